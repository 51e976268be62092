"""Credits in news text: photo credits, bylines and contributor lines, as plain string functions.

Used by the plain-text extractor and reusable on text taken from HTML. The vocabulary (credit
labels, photo agencies, byline prefixes, job titles, contributor phrasings) lives in
``data/boilerplate.toml``; the functions only combine it with the shape of the line:

    split_credit("… on November 7, 2022. © Samuel Corum / Getty Images / AFP")
        -> caption "… on November 7, 2022.", credit "Samuel Corum / Getty Images / AFP"
    parse_byline("By Jennifer Hansler, CNN") -> authors ("Jennifer Hansler",), outlet "CNN"
    parse_contributors("CNN’s A B, C D and E F contributed reporting.") -> names, org "CNN"

Wire credits in the story's own text (rules in ``data/syndication.toml``):

    find_wire_credits(("NEW YORK (Reuters) – Shares fell ...", ...))
        -> dateline credit "Reuters", text "NEW YORK (Reuters) –"
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsprism.datafile import (
    DataFile,
    entries,
    integer,
    read_data_file,
    regex,
    string,
    table,
    words,
)
from newsprism.errors import ConfigError

__all__ = [
    "Byline",
    "ContributorLine",
    "ContributorPattern",
    "CreditRules",
    "CreditSplit",
    "WireCredit",
    "WireRules",
    "default_credit_rules",
    "default_wire_rules",
    "find_wire_credits",
    "is_person_name",
    "load_credit_rules",
    "load_wire_rules",
    "parse_byline",
    "parse_contributors",
    "split_credit",
    "split_names",
]

RULES_FILE = "boilerplate.toml"

# Words joining the parts of a credit ("Jane Doe for The Times via Getty Images").
_CREDIT_JOINERS = frozenset({"via", "for", "and", "of", "the", "de", "du", "der", "von", "&"})
# Where a sentence ends inside a caption line: terminal mark, optional closing quotes, space.
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*\s+")
_YEAR_AFTER = re.compile(r"\s*(?:19|20)\d\d\b")
# Words this short before a full stop are initials or abbreviations ("J.", "St.", "Jr.").
_ABBREVIATION_LENGTH = 2
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)
# Separators between the parts of a byline: "A, CNN", "A | AP", "A - Reuters".
_BYLINE_PARTS = re.compile(r"\s*(?:,|\|| [-–—] |•)\s*")
# Separators between names: "A, B and C", "A & B", "A; B".
_NAME_SEPARATORS = re.compile(r"\s*(?:,\s*(?:and\s+)?|;\s*|\s+and\s+|\s*&\s*|\s+und\s+|\s+et\s+)")
# " in Moscow", " from Kyiv" after a contributor's name.
_PLACE_SUFFIX = re.compile(r"\s+(?:in|from|at)\s+[A-Z][^,;]*$")


@dataclass(frozen=True, slots=True)
class ContributorPattern:
    """One contributor-line phrasing from ``[[contributors.pattern]]``."""

    rule: str
    regex: re.Pattern[str]
    needs_names: bool


@dataclass(frozen=True, slots=True)
class CreditRules:
    """The vocabulary of credits, bylines and contributor lines, compiled."""

    credit_label: re.Pattern[str]
    glued_label: re.Pattern[str]
    caption_label: re.Pattern[str]
    caption_cue: re.Pattern[str]
    caption_max_words: int
    agency_tail: re.Pattern[str]
    agency_inside: re.Pattern[str]
    credit_max_words: int
    byline_prefix: re.Pattern[str]
    roles: frozenset[str]
    particles: frozenset[str]
    suffixes: frozenset[str]
    not_name_words: frozenset[str]
    name_min_words: int
    name_max_words: int
    byline_max_words: int
    contributor_patterns: tuple[ContributorPattern, ...]
    contributors_max_words: int


@dataclass(frozen=True, slots=True)
class CreditSplit:
    """A caption line split into caption text and credit.

    Attributes:
        caption: The caption without the credit ("" when the line is only a credit).
        credit: The credit as written, without label or brackets.
        credit_start: Offset of ``credit`` in the line that was split.
        rule: Which form was found: "copyright-sign", "label", "parenthesised",
            "trailing-credit"; or, with no credit, "caption-label" ("Image caption, …") and
            "caption-cue" ("…, left, speaks …"); the text extractor adds "credit-after-byline".
    """

    caption: str
    credit: str | None
    credit_start: int
    rule: str


@dataclass(frozen=True, slots=True)
class Byline:
    """A parsed byline.

    Attributes:
        authors: Person names, in order.
        outlet: The outlet words of the byline as written ("CNN"), if any.
        roles: Job titles that followed a name ("AP Auto Writer").
    """

    authors: tuple[str, ...]
    outlet: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContributorLine:
    """A parsed contributor line.

    Attributes:
        names: The people credited (may be empty: "The Associated Press contributed …").
        org: The outlet before the names ("CNN" in "CNN’s … contributed reporting."), if any.
        rule: The ``[[contributors.pattern]]`` rule that matched.
    """

    names: tuple[str, ...]
    org: str | None
    rule: str


def load_credit_rules(path: Path | None = None) -> CreditRules:
    """Compile the ``[credit]``, ``[byline]`` and ``[contributors]`` tables of a rules file.

    Args:
        path: A rules file; ``None`` reads the packaged ``data/boilerplate.toml``.

    Raises:
        ConfigError: A table or key is missing, has the wrong type, or a pattern does not
            compile; the message names ``file:line``.
    """
    rules = read_data_file(RULES_FILE, path)
    credit = table(rules, "credit")
    byline = table(rules, "byline")
    contributors = table(rules, "contributors")
    labels = _words(rules, credit, "credit", "labels")
    agencies = _words(rules, credit, "credit", "agencies")
    agency_alt = _alternation(agencies)
    return CreditRules(
        credit_label=_label_regex(labels),
        glued_label=_glued_label_regex(labels),
        caption_label=re.compile(
            rf"^(?P<label>{_alternation(_words(rules, credit, 'credit', 'caption_labels'))})"
            # "Image caption, …", and "Media captionWho is …" as scrapes glue it.
            r"(?:\s*[:,：]\s*|(?=(?-i:[A-Z])))",
            re.IGNORECASE,
        ),
        caption_cue=re.compile(
            _alternation(_words(rules, credit, "credit", "caption_cues")), re.IGNORECASE
        ),
        caption_max_words=_int(rules, credit, "credit", "caption_max_words"),
        agency_tail=re.compile(rf"(?:^|[\s/(,]){agency_alt}\W*$"),
        agency_inside=re.compile(rf"(?:^|[\s/(,]){agency_alt}(?:$|[\s/),])"),
        credit_max_words=_int(rules, credit, "credit", "max_words"),
        byline_prefix=re.compile(
            # "By Jane Doe", "By: Jane Doe", and "ByJane Doe" as scrapes glue it (not "Byron").
            rf"^(?:{_alternation(_words(rules, byline, 'byline', 'prefixes'))})"
            r"(?:\s*:?\s+|(?=(?-i:[A-Z])))",
            re.IGNORECASE,
        ),
        roles=_lower_set(_words(rules, byline, "byline", "roles")),
        particles=_lower_set(_words(rules, byline, "byline", "name_particles")),
        suffixes=_lower_set(_words(rules, byline, "byline", "name_suffixes")),
        not_name_words=_lower_set(_words(rules, byline, "byline", "not_name_words")),
        name_min_words=_int(rules, byline, "byline", "name_min_words"),
        name_max_words=_int(rules, byline, "byline", "name_max_words"),
        byline_max_words=_int(rules, byline, "byline", "max_words"),
        contributor_patterns=_contributor_patterns(rules),
        contributors_max_words=_int(rules, contributors, "contributors", "max_words"),
    )


@functools.cache
def default_credit_rules() -> CreditRules:
    """The packaged rules, compiled once per process."""
    return load_credit_rules()


def split_credit(text: str, *, rules: CreditRules | None = None) -> CreditSplit | None:
    """Split a photo caption line into caption and credit.

    Recognised forms: a credit after ``©`` (not a copyright year), a labelled credit
    ("Photo: …", "Credit...", "(Photo by …)"), a parenthesised agency credit ("(AP Photo/…)"),
    a trailing credit of names and agencies ("… 2022. Samuel Corum/Getty Images"), and a
    labelled caption ("Image caption, …", no credit).

    Args:
        text: One line of text.
        rules: Compiled rules; the packaged ones by default.

    Returns:
        The split, or ``None`` when the line carries no credit or caption label.
    """
    rules = rules or default_credit_rules()
    for finder in (_after_copyright_sign, _labelled, _parenthesised, _trailing_credit):
        found = finder(text, rules)
        if found is not None and _credit_is_plausible(found.credit or "", rules):
            return found
    label = rules.caption_label.match(text)
    if label and text[label.end() :].strip():
        return CreditSplit(text[label.end() :].strip(), None, len(text), "caption-label")
    if len(text.split()) <= rules.caption_max_words and rules.caption_cue.search(text):
        return CreditSplit(text.strip(), None, len(text), "caption-cue")
    return None


def parse_byline(
    text: str, *, rules: CreditRules | None = None, require_prefix: bool = True
) -> Byline | None:
    """Parse a byline: "By Jennifer Hansler, CNN", "By A and B, Reuters", "By A | AP".

    Args:
        text: One line.
        rules: Compiled rules; the packaged ones by default.
        require_prefix: When false, a line without "By" also counts if it pairs names with a
            job title or outlet ("Tom Krisher, AP Auto Writer").

    Returns:
        The byline, or ``None`` when the line is not one (a sentence such as "By the time …"
        fails because its words are not names).
    """
    rules = rules or default_credit_rules()
    line = " ".join(text.split())
    if not line or len(line.split()) > rules.byline_max_words:
        return None
    prefix = rules.byline_prefix.match(line)
    if prefix:
        line = line[prefix.end() :]
    elif require_prefix:
        return None
    authors: list[str] = []
    roles: list[str] = []
    outlet: str | None = None
    for part in _BYLINE_PARTS.split(line.rstrip(" .,;-–—|")):
        if not part:
            continue
        names = () if _is_role(part, rules) else _person_list(part, rules)
        if names:
            authors.extend(names)
            continue
        split = _names_then_tail(part, rules)
        if split is not None:
            authors.extend(split[0])
            part = split[1]
        if any(ch.isdigit() for ch in part):
            continue  # a date or time after the names ("By Jane Doe - 11/19/19 06:56 AM")
        if _is_role(part, rules):
            roles.append(part)
        elif _is_outlet_like(part, rules):
            outlet = part
        else:
            # A part that is neither names, title, outlet nor a date: not a byline.
            return None
    if prefix and (authors or roles or outlet):
        # "By Staff Writer", "By Reuters": a byline that names no person.
        return Byline(tuple(authors), outlet, tuple(roles))
    if not authors or (outlet is None and not roles):
        return None
    return Byline(tuple(authors), outlet, tuple(roles))


def parse_contributors(text: str, *, rules: CreditRules | None = None) -> ContributorLine | None:
    """Parse a contributor line: "CNN’s A, B and C contributed reporting.",
    "A contributed to this report.", "Additional reporting by A in Moscow; Editing by B".

    Returns:
        The names (people only) and outlet, or ``None`` when the line is not a contributor line.
    """
    rules = rules or default_credit_rules()
    line = " ".join(text.split())
    if not line or len(line.split()) > rules.contributors_max_words:
        return None
    # "Reporting by A in Moscow; additional reporting by B and C; Editing by D": the first
    # segment decides, later segments that match add their names.
    found: ContributorLine | None = None
    for segment in line.split(";"):
        for pattern in rules.contributor_patterns:
            match = pattern.regex.match(segment.strip())
            if not match:
                continue
            names = split_names(match.group("names"), rules=rules)
            if pattern.needs_names and not names:
                continue
            if found is None:
                found = ContributorLine(names, match.groupdict().get("org"), pattern.rule)
            else:
                found = ContributorLine(_dedupe(found.names + names), found.org, found.rule)
            break
        if found is None:
            return None
    return found


def _dedupe(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def split_names(text: str, *, rules: CreditRules | None = None) -> tuple[str, ...]:
    """The person names in a list such as "A, B and C" (places after "in" dropped)."""
    rules = rules or default_credit_rules()
    names = []
    for piece in _NAME_SEPARATORS.split(text.strip().rstrip(".")):
        tokens = _PLACE_SUFFIX.sub("", piece.strip()).split()
        # "Associated Press writers Alan Fram": the longest run of name words at the end.
        for start in range(len(tokens)):
            name = " ".join(tokens[start:])
            if is_person_name(name, rules=rules):
                names.append(name)
                break
    return tuple(names)


def is_person_name(text: str, *, rules: CreditRules | None = None) -> bool:
    """Whether ``text`` looks like one person's name: a few capitalised words, no digits."""
    rules = rules or default_credit_rules()
    tokens = text.split()
    core = [t for t in tokens if t.lower() not in rules.suffixes]
    if not rules.name_min_words <= len(core) <= rules.name_max_words:
        return False
    if all(t.lower() in rules.particles for t in core):
        return False
    return all(_is_name_token(token, rules) for token in tokens)


# --- credit forms -----------------------------------------------------------------------------


def _after_copyright_sign(text: str, rules: CreditRules) -> CreditSplit | None:
    sign = text.rfind("©")
    if sign < 0 or _YEAR_AFTER.match(text, sign + 1):
        return None
    start = _skip_spaces(text, sign + 1)
    credit = text[start:].strip()
    return CreditSplit(_caption_before(text, sign), credit, start, "copyright-sign")


def _labelled(text: str, rules: CreditRules) -> CreditSplit | None:
    for match in (*rules.credit_label.finditer(text), *rules.glued_label.finditer(text)):
        if match.groupdict().get("comma") is not None and match.start() != 0:
            continue  # "Image source, X" only at the start; elsewhere a comma is prose
        credit = match.group("credit").strip()
        start = match.start("credit")
        return CreditSplit(_caption_before(text, match.start()), credit, start, "label")
    return None


def _parenthesised(text: str, rules: CreditRules) -> CreditSplit | None:
    stripped = text.rstrip(" .")
    if not stripped.endswith(")"):
        return None
    opening = stripped.rfind("(")
    if opening < 0:
        return None
    inner = stripped[opening + 1 : -1].strip()
    if not inner or not rules.agency_inside.search(inner):
        return None
    start = text.index(inner, opening)
    label = rules.credit_label.match(inner)
    if label:  # "(Image: gargantiopa / Getty Images)": the credit without its label
        start += label.start("credit")
        inner = label.group("credit").strip()
    return CreditSplit(_caption_before(text, opening), inner, start, "parenthesised")


def _trailing_credit(text: str, rules: CreditRules) -> CreditSplit | None:
    # Try the longest tail first: every place a sentence ends, then the whole line.
    cuts = [m.end() for m in _SENTENCE_END.finditer(text)]
    for cut in cuts:
        tail = text[cut:].strip()
        if _looks_like_credit(tail, rules, whole_line=False):
            return CreditSplit(_caption_before(text, cut), tail, cut, "trailing-credit")
    whole = text.strip()
    if _looks_like_credit(whole, rules, whole_line=True):
        return CreditSplit("", whole, text.index(whole), "trailing-credit")
    return None


def _looks_like_credit(tail: str, rules: CreditRules, *, whole_line: bool) -> bool:
    tail = tail.rstrip(".")
    if not tail:
        return False
    # "Jane Doe | Getty Images" separates like "Jane Doe/Getty Images".
    slashes = tail.replace("|", "/")
    tokens = slashes.replace("/", " / ").split()
    # The length first: it rejects the long tails of a paragraph at once, before the costlier
    # search for a sentence end in them.
    if len(tokens) - slashes.count("/") > rules.credit_max_words or _has_sentence_end(tail):
        return False
    tail = slashes
    for token in tokens:
        bare = token.strip("(),;:")
        if not bare or bare in {"/", "|", "-", "–"} or bare.lower() in _CREDIT_JOINERS:
            continue
        if not _starts_upper(bare):
            return False
    slashed = "/" in tail and all(segment.strip() for segment in tail.split("/"))
    if whole_line:
        # A bare line needs the slash form ("Damian Dovarganes/AP"); "AP" alone is a wire line.
        return slashed and (bool(rules.agency_inside.search(tail)) or tail.count("/") >= 2)
    return slashed or bool(rules.agency_tail.search(tail))


def _has_sentence_end(text: str) -> bool:
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start()].split()
        # An initial or short abbreviation ("J. Scott", "St. Louis") does not end a sentence.
        if before and len(before[-1].strip('("“‘')) > _ABBREVIATION_LENGTH:
            return True
    return False


def _credit_is_plausible(credit: str, rules: CreditRules) -> bool:
    words = credit.split()
    if not words or len(words) > rules.credit_max_words:
        return False
    first = next((ch for ch in credit if ch.isalnum()), "")
    # A credit starts with a capital ("Doug Mills/…") or names an agency ("gargantiopa / Getty").
    return bool(first) and (
        first.isupper() or first.isdigit() or bool(rules.agency_inside.search(credit))
    )


def _caption_before(text: str, end: int) -> str:
    return text[:end].rstrip(" \t|-–—(:[").strip()


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


# --- names ------------------------------------------------------------------------------------


def _person_list(part: str, rules: CreditRules) -> tuple[str, ...]:
    pieces = [p for p in _NAME_SEPARATORS.split(part) if p]
    if pieces and all(is_person_name(p, rules=rules) for p in pieces):
        return tuple(pieces)
    return ()


def _names_then_tail(part: str, rules: CreditRules) -> tuple[tuple[str, ...], str] | None:
    # "ZEKE MILLER Associated Press", "Tom Krisher AP Auto Writer": names, then outlet or title.
    tokens = part.split()
    for cut in range(1, len(tokens)):
        head, tail = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        names = _person_list(head, rules)
        tail_fits = (
            _is_role(tail, rules)
            or _is_outlet_like(tail, rules)
            or any(ch.isdigit() for ch in tail)
        )
        if names and tail_fits and not is_person_name(tail, rules=rules):
            return names, tail
    return None


def _is_role(part: str, rules: CreditRules) -> bool:
    # "Editor-at-large" counts as "editor".
    words = [w.lower().strip(".").split("-")[0] for w in part.split()]
    return (
        bool(words)
        and any(w in rules.roles for w in words)
        and all(
            w in rules.roles or _starts_upper(w_orig)
            for w, w_orig in zip(words, part.split(), strict=True)
        )
    )


def _is_outlet_like(part: str, rules: CreditRules) -> bool:
    tokens = part.split()
    if not tokens or len(tokens) > rules.name_max_words:
        return False
    if any(ch.isdigit() for ch in part):
        return False
    return all(_starts_upper(t) or t.lower() in _CREDIT_JOINERS for t in tokens) and not (
        is_person_name(part, rules=rules)
    )


def _is_name_token(token: str, rules: CreditRules) -> bool:
    lower = token.lower()
    if lower in rules.particles or lower in rules.suffixes:
        return True
    if lower.strip(".,") in rules.not_name_words or any(ch.isdigit() for ch in token):
        return False
    if not all(ch.isalpha() or ch in ".-'’" for ch in token):
        return False
    return _starts_upper(token)


def _starts_upper(token: str) -> bool:
    letter = _WORD.search(token)
    return letter is not None and letter.group(0).isupper()


# --- loading ----------------------------------------------------------------------------------


def _label_regex(labels: Iterable[str]) -> re.Pattern[str]:
    # "Photo by X" takes a space; "Photo: X", "Credit...X" and (line-initial) "Image source, X"
    # take a separator. The credit runs to the end of the line.
    by_labels = [label for label in labels if label.lower().endswith((" by", " of"))]
    sep_labels = [label for label in labels if label not in by_labels]
    return re.compile(
        r"(?:^|(?<=[\s(\[.!?,;:”\"’]))"
        rf"(?:(?:{_alternation(by_labels)})\s+|(?:{_alternation(sep_labels)})"
        r"\s*(?:\.{2,}|…|[:：]|(?P<comma>,))\s*)"
        r"(?P<credit>[^()\[\]]+?)[)\]]?\s*\.?\s*$",
        re.IGNORECASE,
    )


def _glued_label_regex(labels: Iterable[str]) -> re.Pattern[str]:
    # "… a large rodentCredit: The Siberian Times": a capitalised label glued to the caption.
    single = [label.capitalize() for label in labels if " " not in label]
    return re.compile(
        rf"(?<=[^\W\d_])(?:{_alternation(single)})\s*(?:\.{{2,}}|…|:)\s*"
        r"(?P<credit>[^()\[\]]+?)[)\]]?\s*\.?\s*$"
    )


def _alternation(words: Iterable[str]) -> str:
    # Longest first, then alphabetical: the same pattern whatever the hash seed (an
    # alternation tries its words in order, so their order can change what matches).
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _lower_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def _words(rules: DataFile, container: dict[str, Any], name: str, key: str) -> tuple[str, ...]:
    return words(rules, container, key, name=f"[{name}] {key}", allow_empty=True, within=name)


def _int(rules: DataFile, container: dict[str, Any], name: str, key: str) -> int:
    return integer(rules, container, key, name=f"[{name}] {key}", minimum=1, within=name)


def _contributor_patterns(rules: DataFile) -> tuple[ContributorPattern, ...]:
    patterns = []
    for where, entry in entries(rules, "contributors.pattern"):
        try:
            rule = string(rules, entry, "rule", name="a contributors pattern's rule")
            regex_ = regex(rules, entry, "pattern", name=f"contributors pattern {rule!r}")
        except ConfigError as exc:
            raise ConfigError(exc.message, where=where) from exc
        if "names" not in regex_.groupindex:
            raise ConfigError(
                f"contributors pattern {rule!r} needs a (?P<names>…) group", where=where
            )
        patterns.append(ContributorPattern(rule, regex_, bool(entry.get("needs_names", True))))
    return tuple(patterns)


# --- wire credits in the story's text -----------------------------------------------------------

WIRE_RULES_FILE = "syndication.toml"


@dataclass(frozen=True, slots=True)
class WireCredit:
    """An outlet credited in a story's own text as the one that wrote it.

    Attributes:
        kind: "origin-line" (a republication notice), "dateline" ("NEW YORK (Reuters) –") or
            "sign-off" ("— AP" closing the story).
        outlet: The outlet's words as written ("Reuters", "The Associated Press").
        text: The whole credit as written, the evidence.
        paragraph: Index of the paragraph it stands in.
        start: Offset of the credit in that paragraph.
        end: End offset of the credit in that paragraph.
        explicit: Whether the text says outright that the outlet wrote the story (a notice):
            its name stands even where the outlet directory does not know it.
    """

    kind: str
    outlet: str
    text: str
    paragraph: int
    start: int
    end: int
    explicit: bool = False


@dataclass(frozen=True, slots=True)
class WireRules:
    """The compiled ``data/syndication.toml`` (see that file for each field)."""

    dateline: re.Pattern[str]
    dateline_paragraphs: int
    sign_off: re.Pattern[str]
    sign_off_paragraphs: int
    origin: tuple[re.Pattern[str], ...]
    origin_max_words: int
    name_max_words: int


def load_wire_rules(path: Path | None = None) -> WireRules:
    """Compile a wire-credit rules file.

    Args:
        path: A file laid out as ``data/syndication.toml``; ``None`` reads the packaged one.

    Raises:
        ConfigError: The file is missing a table or key, a value has the wrong type, or a
            pattern does not compile or lacks the group ``outlet``; the message names
            ``file:line``.
    """
    file = read_data_file(WIRE_RULES_FILE, path)
    dateline, sign_off, origin = (table(file, name) for name in ("dateline", "sign_off", "origin"))
    return WireRules(
        dateline=_outlet_regex(file, string(file, dateline, "pattern", name="dateline.pattern")),
        dateline_paragraphs=integer(
            file, dateline, "paragraphs", name="dateline.paragraphs", minimum=0, within="dateline"
        ),
        sign_off=_outlet_regex(file, string(file, sign_off, "pattern", name="sign_off.pattern")),
        sign_off_paragraphs=integer(
            file, sign_off, "paragraphs", name="sign_off.paragraphs", minimum=0, within="sign_off"
        ),
        origin=tuple(
            _outlet_regex(file, value)
            for value in words(file, origin, "patterns", name="origin.patterns")
        ),
        origin_max_words=integer(file, origin, "max_words", name="origin.max_words", minimum=1),
        name_max_words=integer(
            file, origin, "name_max_words", name="origin.name_max_words", minimum=1
        ),
    )


@functools.cache
def default_wire_rules() -> WireRules:
    """The packaged wire-credit rules, compiled once per process."""
    return load_wire_rules()


def find_wire_credits(
    paragraphs: Sequence[str], *, notices: Iterable[str] = (), rules: WireRules | None = None
) -> tuple[WireCredit, ...]:
    """Outlets a story's own text credits as its author, most explicit first.

    Republication notices ("This story was originally published by ProPublica.") in short
    paragraphs or in ``notices`` (lines removed from the body), then the dateline of the opening
    paragraphs ("WASHINGTON (AP) —", any dash or none), then a sign-off closing the story
    ("— AP"). Only these positions are read: elsewhere "(Reuters)" or "told AP" is a source
    the story cites, not its author. Whether the words name an outlet is for the caller's
    outlet directory to say.

    Args:
        paragraphs: The body's paragraphs, in order.
        notices: Other lines of the page (removed boilerplate) that may hold a notice.
        rules: Compiled rules; the packaged ``data/syndication.toml`` by default.
    """
    rules = rules or default_wire_rules()
    notices = tuple(notices)
    credits = list(_notices(paragraphs, notices, rules))
    for index, paragraph in enumerate(paragraphs[: rules.dateline_paragraphs]):
        match = rules.dateline.match(paragraph)
        if match:
            text = paragraph[match.start() : match.end()].strip()
            credits.append(
                WireCredit("dateline", match["outlet"].strip(), text, index, *match.span())
            )
    datelines = {credit.paragraph for credit in credits if credit.kind == "dateline"}
    first_closing = max(len(paragraphs) - rules.sign_off_paragraphs, 0)
    closing = [(i, paragraphs[i]) for i in range(len(paragraphs) - 1, first_closing - 1, -1)]
    # A sign-off the body extractor set apart (a last short line) counts as well.
    closing.extend((-1, line) for line in notices)
    for index, text in closing:
        paragraph = text.rstrip()
        match = rules.sign_off.search(paragraph) if index not in datelines else None
        if match:
            # The credit starts at its dash, after the sentence end the pattern also matched.
            matched = match.group(0)
            start = match.start() + len(matched) - len(matched.lstrip(_BEFORE_SIGN_OFF))
            text = paragraph[start : match.end()].strip()
            credits.append(
                WireCredit("sign-off", match["outlet"].strip(), text, index, start, match.end())
            )
    return tuple(credits)


# What may stand between a sentence's end and a sign-off's dash.
_BEFORE_SIGN_OFF = '.!?"”’ \t\n'


def _notices(
    paragraphs: Sequence[str], others: Iterable[str], rules: WireRules
) -> Iterator[WireCredit]:
    lines = [(index, text) for index, text in enumerate(paragraphs)]
    lines.extend((-1, text) for text in others)
    for index, text in lines:
        if len(text.split()) > rules.origin_max_words:
            continue
        for pattern in rules.origin:
            match = pattern.search(text)
            if match is None:
                continue
            name = match["outlet"].strip()
            plain = name.split()
            if len(plain) <= rules.name_max_words and plain and plain[0][:1].isupper():
                yield WireCredit(
                    "origin-line", name, text.strip(), index, *match.span(), explicit=True
                )
            break


def _outlet_regex(file: DataFile, value: str) -> re.Pattern[str]:
    try:
        pattern = re.compile(value)
    except re.error as exc:
        raise ConfigError(f"pattern {value!r} does not compile ({exc})", where=file.where) from exc
    if "outlet" not in pattern.groupindex:
        raise ConfigError(f"pattern {value!r} lacks the group (?P<outlet>...)", where=file.where)
    return pattern
