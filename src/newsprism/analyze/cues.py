"""The reporting-verb lexicon, and cues built from the tokens that report speech or thought.

``data/reporting_verbs.toml`` lists verbs ("say", "claim") and phrases ("according to", "call
for") with a class: ``neutral``, ``marked`` (with a subclass such as ``doubt`` or
``concessive``) or ``cognitive``. A cue made from tokens (:func:`make_cue`) gets its lemma and
class from the lexicon (``unlisted`` when the lexicon does not know it) and its tense and voice
from the verb's morphology and auxiliaries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.datafile import read_data_file
from newsprism.errors import ConfigError
from newsprism.model import Cue

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "CUE_CLASSES",
    "UNLISTED",
    "CueClass",
    "ReportingVerbs",
    "load_reporting_verbs",
    "make_cue",
]

CUE_CLASSES = frozenset({"neutral", "marked", "cognitive"})
# The class of a cue whose words the lexicon does not list (found by the model).
UNLISTED = "unlisted"
_ENTRY_FIELDS = frozenset({"class", "subclass", "from"})
_WORD = re.compile(r"^[a-z]+(?:-[a-z]+)*$")


@dataclass(frozen=True, slots=True)
class CueClass:
    """How a reporting verb or phrase frames what it reports.

    Attributes:
        class_: "neutral", "marked" or "cognitive".
        subclass: For marked cues, how they colour the report ("doubt", "concessive", ...).
        source: Where the entry comes from ("ggt", "newsprism").
    """

    class_: str
    subclass: str | None
    source: str


@dataclass(frozen=True, slots=True)
class ReportingVerbs:
    """The reporting-verb lexicon.

    Attributes:
        verbs: Lemma -> class ("say", "claim").
        phrases: Words of a phrase -> class (``("according", "to")``).
        where: The file it was read from, for messages.
    """

    verbs: Mapping[str, CueClass]
    phrases: Mapping[tuple[str, ...], CueClass]
    where: str
    _by_first_word: Mapping[str, tuple[tuple[tuple[str, ...], CueClass], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # Phrases by their first word, so matching at a token reads only the few that can fit.
        index: dict[str, list[tuple[tuple[str, ...], CueClass]]] = {}
        for words, cue_class in self.phrases.items():
            index.setdefault(words[0], []).append((words, cue_class))
        object.__setattr__(
            self, "_by_first_word", {word: tuple(items) for word, items in index.items()}
        )

    def verb_class(self, lemma: str) -> CueClass | None:
        """The class of a verb lemma, or ``None`` when it is not a reporting verb."""
        return self.verbs.get(lemma.lower())

    def may_start_phrase(self, word: str, lemma: str) -> bool:
        """Whether a listed phrase begins with this lower-cased word or lemma (a cheap test
        before :meth:`phrase_at`)."""
        return word in self._by_first_word or lemma in self._by_first_word

    def phrase_at(self, tokens: Sequence[Token]) -> tuple[tuple[str, ...], CueClass] | None:
        """The longest listed phrase that ``tokens`` begin with, matched word by word on the
        lower-cased text or the lemma ("called for" matches "call for")."""
        if not tokens:
            return None
        first = tokens[0]
        starting = self._by_first_word.get(first.lower_, ()) + (
            self._by_first_word.get(first.lemma_.lower(), ())
            if first.lemma_.lower() != first.lower_
            else ()
        )
        best: tuple[tuple[str, ...], CueClass] | None = None
        for words, cue_class in starting:
            if len(words) > len(tokens) or (best is not None and len(words) <= len(best[0])):
                continue
            if all(
                word in (token.lower_, token.lemma_.lower())
                for word, token in zip(words, tokens, strict=False)
            ):
                best = (words, cue_class)
        return best


def load_reporting_verbs(path: Path | None = None) -> ReportingVerbs:
    """Read and validate a reporting-verb lexicon.

    Args:
        path: A TOML file in the format of ``data/reporting_verbs.toml``; the packaged file when
            ``None``.

    Returns:
        The lexicon.

    Raises:
        ConfigError: The file is missing or not TOML, or an entry has an unknown class, a
            subclass on a class that takes none, an unknown field or a malformed key; the
            message names ``file:line``.
    """
    file = read_data_file("reporting_verbs.toml", path)
    data, text, where = file.data, file.text, file.where
    unknown = set(data) - {"verbs", "phrases"}
    if unknown:
        raise ConfigError(
            f"unknown table [{sorted(unknown)[0]}]; the lexicon has [verbs] and [phrases]",
            where=f"{where}:{_line_of(text, '[' + sorted(unknown)[0] + ']')}",
        )
    lines = _key_lines(text)
    verbs: dict[str, CueClass] = {}
    for key, entry in data.get("verbs", {}).items():
        at = f"{where}:{lines.get(key, 0)}"
        if not _WORD.match(key):
            raise ConfigError(
                f"verb {key!r} must be one lower-case lemma (put phrases under [phrases])", where=at
            )
        verbs[key] = _entry(entry, key, at)
    phrases: dict[tuple[str, ...], CueClass] = {}
    for key, entry in data.get("phrases", {}).items():
        at = f"{where}:{lines.get(key, 0)}"
        words = tuple(key.split(" "))
        if len(words) < 2 or not all(_WORD.match(word) for word in words):
            raise ConfigError(
                f"phrase {key!r} must be two or more lower-case words separated by single spaces",
                where=at,
            )
        phrases[words] = _entry(entry, key, at)
    if not verbs:
        raise ConfigError("the lexicon lists no verbs; add a [verbs] table", where=where)
    return ReportingVerbs(verbs=verbs, phrases=phrases, where=where)


def make_cue(doc: Doc, start: int, end: int, lexicon: ReportingVerbs) -> Cue:
    """Build the cue for tokens ``doc[start:end]``.

    The lemma is that of the main word (the syntactic head, past auxiliaries), or the listed
    phrase the cue contains ("according to", "call for"); class and subclass come from the
    lexicon, ``unlisted`` when it lists neither. Tense and voice are set when the main word is
    a verb.
    """
    tokens = list(doc[start:end])
    head = _main_word(tokens)
    lemma, cue_class = head.lemma_.lower(), lexicon.verb_class(head.lemma_)
    for offset in range(len(tokens)):
        found = lexicon.phrase_at(tokens[offset:])
        if found is not None and (cue_class is None or found[1].class_ != "neutral"):
            # A marked phrase ("called for") says more than its verb ("call").
            lemma, cue_class = " ".join(found[0]), found[1]
            break
    tense, voice = _tense_and_voice(head)
    return Cue(
        start=tokens[0].idx,
        end=tokens[-1].idx + len(tokens[-1]),
        text=doc[tokens[0].i : tokens[-1].i + 1].text,
        lemma=lemma,
        class_=cue_class.class_ if cue_class else UNLISTED,
        subclass=cue_class.subclass if cue_class else None,
        tense=tense,
        voice=voice,
    )


def _entry(entry: Any, key: str, at: str) -> CueClass:
    if not isinstance(entry, dict):
        raise ConfigError(
            f'{key!r} must be an inline table such as {{ class = "neutral", from = "ggt" }}',
            where=at,
        )
    extra = set(entry) - _ENTRY_FIELDS
    if extra:
        raise ConfigError(
            f"unknown field {sorted(extra)[0]!r}; entries have class, subclass and from", where=at
        )
    class_ = entry.get("class")
    if class_ not in CUE_CLASSES:
        raise ConfigError(
            f"class {class_!r} is not one of {', '.join(sorted(CUE_CLASSES))}", where=at
        )
    subclass = entry.get("subclass")
    if class_ == "marked" and not (isinstance(subclass, str) and subclass):
        raise ConfigError("a marked cue needs a subclass (doubt, concessive, ...)", where=at)
    if class_ != "marked" and subclass is not None:
        raise ConfigError(f"only marked cues take a subclass, not {class_}", where=at)
    source = entry.get("from")
    if not (isinstance(source, str) and source):
        raise ConfigError('each entry names where it comes from: from = "..."', where=at)
    return CueClass(class_=class_, subclass=subclass, source=source)


def _line_of(text: str, key: str) -> int:
    """The 1-based line where ``key`` is defined (a table header or ``key =``); 0 if not found."""
    pattern = re.compile(rf'^\s*(?:"{re.escape(key)}"|{re.escape(key)})\s*(?:=|$)')
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 0


# A ``key = ...`` line of the lexicon, the key bare or in double quotes.
_KEY_LINE = re.compile(r'^\s*(?:"([^"]*)"|([^\s="\[\]]+))\s*=')


def _key_lines(text: str) -> dict[str, int]:
    """The 1-based line where each key is first defined, read in one pass (as
    :func:`_line_of` finds one key)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _KEY_LINE.match(line)
        if match:
            found.setdefault(match.group(1) if match.group(1) is not None else match.group(2),
                             number)
    return found


def _main_word(tokens: Sequence[Token]) -> Token:
    """The token the others in the cue depend on, preferring a verb over its auxiliaries."""
    inside = {token.i for token in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ == "VERB"] or [t for t in tokens if t.pos_ == "VERB"]
    return (verbs or heads or list(tokens))[0]


def _tense_and_voice(verb: Token) -> tuple[str | None, str | None]:
    """Tense and voice of a verb from its morphology and auxiliaries; ``(None, None)`` for
    other words, tense ``None`` for participles and infinitives standing alone."""
    if verb.pos_ not in ("VERB", "AUX"):
        return None, None
    auxiliaries = [child for child in verb.children if child.dep_ in ("aux", "auxpass")]
    voice = "passive" if any(child.dep_ == "auxpass" for child in auxiliaries) else "active"
    aux_lemmas = [child.lemma_.lower() for child in auxiliaries]
    finite = [child for child in auxiliaries if "Fin" in child.morph.get("VerbForm", [])]
    if "will" in aux_lemmas or "shall" in aux_lemmas:
        return "future", voice
    if "have" in aux_lemmas:
        have = next(child for child in auxiliaries if child.lemma_.lower() == "have")
        return ("pluperfect" if "Past" in have.morph.get("Tense", []) else "perfect"), voice
    carrier = finite[0] if finite else verb
    if "Fin" not in carrier.morph.get("VerbForm", []) and carrier.tag_ not in ("VBD", "VBZ", "VBP"):
        return None, voice
    if "Past" in carrier.morph.get("Tense", []) or carrier.tag_ == "VBD":
        return "past", voice
    return "present", voice
