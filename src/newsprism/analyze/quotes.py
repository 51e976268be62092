"""Attributions: who says what, with which cue.

Three layers, each readable on its own:

1. **Quotation marks** (:func:`find_quotations`). Marks are paired paragraph by paragraph:
   curly “…” and «…» by their shape, straight "…" by the spaces around them, single ‘…’ only
   outside double quotes and only when the closing ’ is not an apostrophe. A paragraph that
   opens a quotation without closing it continues into the next paragraph when that one opens
   with a quotation mark (the newspaper convention for long quotes) or closes the quotation
   before opening another. A mark that cannot be paired is skipped, with its reason logged; the
   rest of the document is still read.
2. **Rules** over the parse and the reporting-verb lexicon:
   * a quotation is attributed to the nearest reporting verb outside quotation marks in the
     sentences around it, and the verb's subject is the source (“…,” she said. / He said: “…”);
     a quotation split around its cue (“…,” she said. “…”) is one content;
   * a reporting verb with a clausal complement reports it (X said that …; X claimed …;
     X warned Y against …; X declined to say whether …); the content is mixed when it contains
     a quotation (Blinken said he “pressed the Kremlin …”);
   * "according to X" attributes the clause it modifies to X.
3. **The model** (:mod:`newsprism.analyze.attribution_model`), when one is passed: it finds
   the cues PolNeAR annotates beyond reporting verbs ("shows", "wants", "called for") and marks
   source and content spans; quotation marks then extend a content that starts or ends inside
   a quotation to the whole quotation, and decide the kind. Rule attributions whose cue the
   model did not find are added.

Every span is a character offset range into ``doc.text``. Sources are the words of the text
("she", "the spokeswoman", "The Russian Foreign Ministry"); resolving them to entities is left
to the entities module, so ``entity`` is always ``None`` here.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newsprism.analyze.attribution_model import (
    AttributionTagger,
    TaggedCue,
    doc_context,
    may_hold_attribution,
    spans_of,
)
from newsprism.analyze.cues import ReportingVerbs, load_reporting_verbs, make_cue
from newsprism.model import Attribution, AttributionKind, Span

__all__ = [
    "Quotation",
    "ReportingVerbs",
    "find_attributions",
    "find_quotations",
    "load_reporting_verbs",
]

logger = logging.getLogger(__name__)

_OPENERS = frozenset("“«„")
_CLOSERS = frozenset("”»")
_STRAIGHT = '"'
_SINGLE_OPENERS = frozenset("‘")
_SINGLE_CLOSERS = frozenset("’'")
# Characters after which a straight quotation mark opens a quotation rather than closing one.
_BEFORE_OPENING = frozenset(" \t\n([{—–-/:")

# Dependency relations of a reporting verb's complement that carries what was said.
_CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "obj")
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Parts of a subject's subtree that are not the speaker's name ("Barkley, who said …").
_SOURCE_TRIM_DEPS = frozenset({"relcl", "acl", "punct"})
# Prepositions of a verb whose object is what is reported (X warned Y against …, accused of …).
_CONTENT_PREPOSITIONS = frozenset({"against", "of", "about", "on", "that"})
# Verbs whose infinitive complement is the reporting verb (declined to say whether …).
_CONTROL_VERBS = frozenset({"decline", "refuse", "continue", "go", "want", "try", "begin"})


@dataclass(frozen=True, slots=True)
class Quotation:
    """Words between paired quotation marks, marks included.

    Attributes:
        start: Character offset of the opening mark.
        end: Character offset just after the closing mark.
        first: Token index of the opening mark.
        last: Token index of the closing mark.
    """

    start: int
    end: int
    first: int
    last: int


def find_attributions(
    doc: Doc,
    *,
    lexicon: ReportingVerbs,
    model: AttributionTagger | None = None,
    quotations: Sequence[Quotation] | None = None,
    screen: bool = True,
) -> tuple[Attribution, ...]:
    """Find the attributions in a parsed document.

    Args:
        doc: A document parsed by the pipeline of :func:`newsprism.analyze.nlp.load_model`
            (tagger, parser, lemmatizer); paragraphs are separated by line breaks.
        lexicon: The reporting-verb lexicon (:func:`load_reporting_verbs`).
        model: The attribution tagger: the perceptron (:func:`~newsprism.analyze.\
attribution_model.load_attribution_model`) or the encoder (:func:`~newsprism.analyze.\
attribution_encoder.load_encoder_tagger`); with ``None`` only the rules run.
        quotations: The document's quotations when the caller has them already
            (:func:`find_quotations`); found here when ``None``.
        screen: Run the model only on sentences that can hold an attribution (a quotation
            mark, a lexicon cue, a colon after a name); ``False`` reads every sentence.

    Returns:
        Attributions in text order, ``entity`` unset, every offset into ``doc.text``.
    """
    quotations = find_quotations(doc) if quotations is None else quotations
    found: list[Attribution] = []
    if model is not None:
        found.extend(_model_attributions(doc, quotations, lexicon, model, screen=screen))
    for attribution in _rule_attributions(doc, quotations, lexicon):
        if not any(_overlaps(attribution.cue, other.cue) for other in found):
            found.append(attribution)
    ordered = sorted(found, key=lambda attribution: attribution.cue.start)
    return _without_borrowed_content(doc, ordered, quotations)


def _without_borrowed_content(
    doc: Doc, attributions: Sequence[Attribution], quotations: Sequence[Quotation]
) -> tuple[Attribution, ...]:
    """Cut a content that runs into the content of another cue. After its cue: "she said X.
    “Y,” the spokeswoman stressed" — Y belongs to "stressed", so "said" reports X only. Before
    its cue: "In what he described as “Y,” Blinken said X" — "said" reports X only."""
    cut = []
    for attribution in attributions:
        content, cue = attribution.content, attribution.cue
        if content.start < cue.start and any(
            cue.end <= other.cue.start < content.end and other.content.start < cue.start
            for other in attributions
        ):
            # "“…,” Lavrov noted, according to RIA Novosti": the words after the cue attribute
            # the same quotation a second time; they are not part of what was said.
            source = attribution.source
            end = source.start if source and content.start < source.start < cue.start else cue.start
            head = content.text[: end - content.start].rstrip(" ,;:—–\n")
            content = Span(content.start, content.start + len(head), head)
        if content.start < cue.start and cue.end <= content.end:
            before = range(content.start, cue.start)
            if any(
                other is not attribution
                and other.content.start in before
                and other.content.end <= cue.start
                for other in attributions
            ):
                source = attribution.source
                start = source.end if source and source.start >= cue.end else cue.end
                text = content.text[start - content.start :]
                start += len(text) - len(text.lstrip(" ,:\n"))
                if start < content.end:
                    content = Span(start, content.end, content.text[start - content.start :])
        for other in attributions:
            if other is attribution or not (content.start < other.content.start < content.end):
                continue
            if attribution.cue.end <= other.content.start and not (
                content.start <= other.cue.start < content.end
            ):
                head = content.text[: other.content.start - content.start].rstrip(" \n")
                if head:
                    content = Span(content.start, content.start + len(head), head)
        if content is attribution.content:
            cut.append(attribution)
            continue
        words = list(_token_range(doc, content.start, content.end))
        cue_tokens = _token_range(doc, cue.start, cue.end)
        kind = _kind(doc, words, (cue_tokens.start, cue_tokens.stop), quotations)
        cut.append(dataclasses.replace(attribution, content=content, kind=kind))
    return tuple(cut)


def find_quotations(doc: Doc) -> tuple[Quotation, ...]:
    """Pair the quotation marks of a document into quotations.

    Curly and straight marks are paired separately, so a quotation in straight marks may hold
    one in curly marks. Unpaired marks are skipped and the reason logged (at INFO level); they
    never stop the document from being read.
    """
    text = doc.text
    paragraphs = _paragraph_ranges(text)
    spans = _pair_marks(text, paragraphs, curly=True) + _pair_marks(text, paragraphs, curly=False)
    spans.extend(_single_quotations(text, paragraphs, spans))
    quotations = []
    for start, end in sorted(spans):
        first = doc.char_span(start, start + 1, alignment_mode="expand")
        last = doc.char_span(end - 1, end, alignment_mode="expand")
        if first is not None and last is not None:
            quotations.append(Quotation(start=start, end=end, first=first.start, last=last.start))
    return tuple(quotations)


# --- quotation marks --------------------------------------------------------------------------


def _paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank line: a line break ends a paragraph."""
    ranges, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            ranges.append((offset, offset + len(line)))
        offset += len(line) + 1
    return ranges


def _pair_marks(
    text: str, paragraphs: Sequence[tuple[int, int]], *, curly: bool
) -> list[tuple[int, int]]:
    """``(start, end)`` of the quotations in curly (or straight) double marks."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for number, (start, end) in enumerate(paragraphs):
        continuing = open_at is not None
        for position, length, role in _double_marks(text, start, end, curly=curly):
            if role == "open" and open_at is not None:
                if continuing and text[start:position].strip() == "":
                    # The reopening mark of a quotation that runs over paragraphs.
                    continuing = False
                    continue
                _skip(text, open_at, "another quotation opens before it is closed")
                open_at = position
            elif role == "open" or (role == "either" and open_at is None):
                open_at = position
            elif open_at is None:
                _skip(text, position, "closing mark without an opening one")
            else:
                spans.append((open_at, position + length))
                open_at = None
            continuing = False
        if open_at is not None:
            following = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
            if following is None or not _continues(text, *following, curly=curly):
                _skip(text, open_at, "not closed by the end of its paragraph")
                open_at = None
    return spans


def _double_marks(
    text: str, start: int, end: int, *, curly: bool
) -> Iterable[tuple[int, int, str]]:
    """Curly (or straight) double quotation marks in ``text[start:end]``: position, length and
    role, "open", "close" or, for a straight mark with no telling context, "either". Straight
    marks include the typewriter forms ``''`` and ``\x60\x60`` (some wires write quotes so)."""
    position = start
    while position < end:
        char = text[position]
        pair = text[position : position + 2]
        if curly and char in _OPENERS:
            yield position, 1, "open"
        elif curly and char in _CLOSERS:
            yield position, 1, "close"
        elif not curly and pair == "``":
            yield position, 2, "open"
            position += 1
        elif not curly and (char == _STRAIGHT or pair == "''"):
            length = 1 if char == _STRAIGHT else 2
            before = text[position - 1] if position > start else " "
            after = text[position + length] if position + length < end else " "
            if before in _BEFORE_OPENING and not after.isspace():
                yield position, length, "open"
            elif after.isspace() or not after.isalnum():
                yield position, length, "close"
            else:
                yield position, length, "either"
            position += length - 1
        position += 1


def _continues(text: str, start: int, end: int, *, curly: bool) -> bool:
    """Whether an unclosed quotation runs on into the paragraph ``text[start:end]``: it opens
    with a quotation mark, or its first double mark closes."""
    marks = list(_double_marks(text, start, end, curly=curly))
    if not marks:
        return False
    first_position, _length, first_role = marks[0]
    opens_paragraph = text[start:first_position].strip() == "" and first_role != "close"
    return opens_paragraph or first_role == "close"


def _single_quotations(
    text: str, paragraphs: Sequence[tuple[int, int]], doubles: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """‘Single-quoted’ passages outside double quotations (headlines quote this way). The
    closing mark must not be an apostrophe: it may not be followed by a letter."""
    found = []
    inside = bytearray(len(text))
    for first, last in doubles:
        inside[first:last] = b"\x01" * (last - first)
    for start, end in paragraphs:
        open_at: int | None = None
        for position in range(start, end):
            if inside[position]:
                continue
            char = text[position]
            before = text[position - 1] if position > start else " "
            after = text[position + 1] if position + 1 < end else " "
            if char in _SINGLE_OPENERS and before in _BEFORE_OPENING | {'"', "“"}:
                open_at = position
            elif (
                char in _SINGLE_CLOSERS
                and open_at is not None
                and not after.isalpha()
                and not before.isspace()
            ):
                found.append((open_at, position + 1))
                open_at = None
    return found


def _skip(text: str, position: int, reason: str) -> None:
    excerpt = " ".join(text[position : position + 40].split())
    logger.info("quotation mark at character %d skipped: %s (%r)", position, reason, excerpt)


# --- rules ------------------------------------------------------------------------------------


def _rule_attributions(
    doc: Doc, quotations: Sequence[Quotation], lexicon: ReportingVerbs
) -> list[Attribution]:
    """Attributions found by the rules: quotations first, then reporting verbs and "according
    to" phrases that no quotation rule used."""
    found: list[Attribution] = []
    used_cues: set[int] = set()
    attributed: set[int] = set()
    for number in range(len(quotations)):
        if number in attributed:
            continue
        attribution = _attribute_quotation(doc, quotations, number, lexicon)
        if attribution is None:
            continue
        found.append(attribution)
        used_cues.update(_token_range(doc, attribution.cue.start, attribution.cue.end))
        attributed.update(
            other
            for other, candidate in enumerate(quotations)
            if attribution.content.start <= candidate.start < attribution.content.end
        )
    quoted = {i for quotation in quotations for i in range(quotation.first, quotation.last + 1)}
    for token in doc:
        if token.i in used_cues or token.i in quoted:
            continue
        attribution = _according_to(doc, token, quotations, lexicon) or _reporting_verb(
            doc, token, quotations, lexicon
        )
        if attribution is not None:
            found.append(attribution)
            used_cues.update(_token_range(doc, attribution.cue.start, attribution.cue.end))
    return found


def _attribute_quotation(
    doc: Doc, quotations: Sequence[Quotation], number: int, lexicon: ReportingVerbs
) -> Attribution | None:
    """Attribute one quotation to the nearest reporting verb in the sentences around it."""
    quotation = quotations[number]
    if quotation.last - quotation.first < 3:
        # A quoted word or two is a term ("quiet diplomacy"), not a quotation.
        return None
    verb = _nearest_cue_verb(doc, quotations, quotation, lexicon)
    if verb is None:
        return None
    complement = _complement(verb)
    first, last = quotation.first, quotation.last
    kind = AttributionKind.DIRECT
    if complement is not None and complement[0] <= first and last < complement[1]:
        if any(not doc[i].is_punct and not _inside(i, quotations) for i in range(*complement)):
            kind = AttributionKind.MIXED
            first, last = complement[0], complement[1] - 1
    else:
        # “…,” she said. “…”: the quotation right after the cue's sentence continues it.
        following = quotations[number + 1] if number + 1 < len(quotations) else None
        if following is not None and quotation.last < verb.i < following.first:
            between = doc[verb.i + 1 : following.first]
            if all(t.is_punct or t.is_space or t.dep_ in ("npadvmod", "advmod") for t in between):
                last = following.last
    return _attribution(doc, verb, _cue_range(verb), first, last, kind, "rule:quotation", lexicon)


def _reporting_verb(
    doc: Doc, token: Token, quotations: Sequence[Quotation], lexicon: ReportingVerbs
) -> Attribution | None:
    """X said that …; X claimed …; X warned Y against …; X declined to say whether …"""
    if token.pos_ != "VERB" or lexicon.verb_class(token.lemma_) is None:
        return None
    if token.dep_ == "xcomp" and token.head.lemma_ in _CONTROL_VERBS:
        # Reported through its controlling verb ("declined to say"), see below.
        return None
    verb, cue = token, _cue_range(token)
    complement = _complement(verb)
    if complement is None:
        return None
    first, last = complement[0], complement[1] - 1
    quoted = any(_inside(i, quotations) for i in range(first, last + 1))
    kind = AttributionKind.MIXED if quoted else AttributionKind.INDIRECT
    return _attribution(doc, verb, cue, first, last, kind, "rule:reporting-verb", lexicon)


def _according_to(
    doc: Doc, token: Token, quotations: Sequence[Quotation], lexicon: ReportingVerbs
) -> Attribution | None:
    """According to X, …: X is the source of the clause the phrase modifies."""
    phrase = lexicon.phrase_at(list(doc[token.i : token.i + 2]))
    if phrase is None or phrase[0] != ("according", "to"):
        return None
    to = doc[token.i + 1]
    objects = [child for child in to.children if child.dep_ == "pobj"]
    if not objects:
        return None
    clause = token.head
    # The clause minus the phrase itself: its words before and after "according to X".
    phrase_tokens = {t.i for t in token.subtree} | {t.i for t in to.subtree}
    words = [t.i for t in clause.subtree if t.i not in phrase_tokens and not t.is_space]
    words = _trim(doc, words)
    if not words:
        return None
    source = _noun_span(objects[0])
    quoted = any(_inside(i, quotations) for i in words)
    everything_quoted = all(_inside(i, quotations) or doc[i].is_punct for i in words)
    kind = (
        AttributionKind.DIRECT
        if everything_quoted
        else AttributionKind.MIXED
        if quoted
        else AttributionKind.INDIRECT
    )
    return Attribution(
        source=_span(doc, *source),
        entity=None,
        cue=make_cue(doc, token.i, token.i + 2, lexicon),
        content=_span(doc, words[0], words[-1] + 1),
        kind=kind,
        found_by="rule:according-to",
    )


def _nearest_cue_verb(
    doc: Doc, quotations: Sequence[Quotation], quotation: Quotation, lexicon: ReportingVerbs
) -> Token | None:
    """The reporting verb outside quotation marks nearest to ``quotation``, in the sentence
    where it opens, the one where it closes, or the sentence right after it."""
    sentences = {doc[quotation.first].sent, doc[quotation.last].sent}
    if quotation.last + 1 < len(doc):
        after = doc[quotation.last + 1].sent
        if after.start == quotation.last + 1 or after == doc[quotation.last].sent:
            sentences.add(after)
    candidates = [
        token
        for sentence in sentences
        for token in sentence
        if token.pos_ == "VERB"
        and lexicon.verb_class(token.lemma_) is not None
        and not _inside(token.i, quotations)
        and _subject(token) is not None
    ]
    return min(
        candidates,
        key=lambda token: min(abs(token.i - quotation.first), abs(token.i - quotation.last)),
        default=None,
    )


def _complement(verb: Token) -> tuple[int, int] | None:
    """Token range of what a reporting verb reports: its clausal complement, its object, the
    object of a preposition such as "against", or the complement of the verb it controls
    ("declined to say whether …")."""
    for child in verb.children:
        if child.dep_ == "xcomp" and child.lemma_ in ("say", "comment", "discuss", "speculate"):
            inner = _complement(child)
            if inner is not None:
                return inner
    for dep in _CONTENT_DEPS:
        for child in verb.children:
            if child.dep_ == dep and (dep != "dobj" or _is_clause_like(child)):
                return _subtree_range(child)
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in _CONTENT_PREPOSITIONS:
            objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if objects:
                return _subtree_range(objects[0])
    return None


def _is_clause_like(token: Token) -> bool:
    """A direct object that stands for what was said ("said this", "said the words") rather
    than the person told: a pronoun such as "it" or a noun with a clause of its own."""
    return token.lower_ in ("this", "that", "it", "so") or any(
        child.dep_ in ("relcl", "acl", "ccomp") for child in token.children
    )


def _subject(verb: Token) -> Token | None:
    """The speaker of a reporting verb: its subject, the agent of a passive, or the subject of
    the verb it depends on ("…, adding that …", "declined to say")."""
    for child in verb.children:
        if child.dep_ in _SUBJECT_DEPS:
            return child
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    if verb.dep_ in ("advcl", "xcomp", "conj") and verb.head.i != verb.i:
        return _subject(verb.head)
    return None


def _cue_range(verb: Token) -> tuple[int, int]:
    """The cue's tokens: the verb with its particle ("pointed out"), and the verb it depends on
    when that is a control verb ("declined to say")."""
    start, end = verb.i, verb.i + 1
    for child in verb.children:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    for child in verb.children:
        if (
            child.dep_ == "xcomp"
            and child.lemma_ in ("say", "comment")
            and verb.lemma_ in _CONTROL_VERBS
        ):
            end = max(end, child.i + 1)
    return start, end


def _attribution(
    doc: Doc,
    verb: Token,
    cue: tuple[int, int],
    first: int,
    last: int,
    kind: AttributionKind,
    found_by: str,
    lexicon: ReportingVerbs,
) -> Attribution | None:
    words = _trim(doc, list(range(first, last + 1)))
    if not words:
        return None
    subject = _subject(verb)
    source = _noun_span(subject) if subject is not None else None
    return Attribution(
        source=_span(doc, *source) if source is not None else None,
        entity=None,
        cue=make_cue(doc, cue[0], cue[1], lexicon),
        content=_span(doc, words[0], words[-1] + 1),
        kind=kind,
        found_by=found_by,
    )


def _noun_span(noun: Token) -> tuple[int, int]:
    """A speaker's words: the noun's subtree without relative clauses and trailing punctuation
    ("Barkley, who said he votes democratic," -> "Barkley")."""
    drop: set[int] = set()
    for child in noun.children:
        if child.dep_ in _SOURCE_TRIM_DEPS:
            drop.update(t.i for t in child.subtree)
    kept = [t.i for t in noun.subtree if t.i not in drop]
    # Keep the contiguous run around the noun itself.
    start = end = noun.i
    while start - 1 in kept:
        start -= 1
    while end + 1 in kept:
        end += 1
    words = _trim(noun.doc, list(range(start, end + 1)))
    return (words[0], words[-1] + 1) if words else (noun.i, noun.i + 1)


def _trim(doc: Doc, indices: list[int]) -> list[int]:
    """Drop spaces and punctuation at both ends, and a leading complementiser "that", keeping
    quotation marks that close or open a quoted content."""
    words = sorted(indices)

    def loose(index: int, at_start: bool) -> bool:
        token = doc[index]
        if token.is_space:
            return True
        if token.is_quote:
            return False
        if at_start and token.lower_ == "that" and token.dep_ == "mark":
            return True
        return token.is_punct and not (not at_start and token.text in ".?!…")

    while words and loose(words[0], at_start=True):
        words.pop(0)
    while words and (
        doc[words[-1]].is_space or (doc[words[-1]].is_punct and doc[words[-1]].text in ",;:—–-")
    ):
        words.pop()
    return words


def _subtree_range(token: Token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i + 1


# --- the model --------------------------------------------------------------------------------


def _model_attributions(
    doc: Doc,
    quotations: Sequence[Quotation],
    lexicon: ReportingVerbs,
    model: AttributionTagger,
    *,
    screen: bool,
) -> list[Attribution]:
    """The tagger's cues and roles, decoded; with ``screen``, only sentences that can hold an
    attribution (:func:`~newsprism.analyze.attribution_model.may_hold_attribution`) are read."""
    context = doc_context(doc, [(q.first, q.last) for q in quotations])
    sentences = [
        (start, end)
        for start, end in context.sentences
        if not screen or may_hold_attribution(doc, start, end, context, lexicon)
    ]
    found = []
    for tagged in model.tag(doc, context, sentences, lexicon):
        attribution = _decode_tagged(doc, tagged, quotations, lexicon)
        if attribution is not None:
            found.append(attribution)
    return found


def _decode_tagged(
    doc: Doc, tagged: TaggedCue, quotations: Sequence[Quotation], lexicon: ReportingVerbs
) -> Attribution | None:
    """One tagged cue as an attribution: the same decoding for every tagger."""
    cue_start, cue_end, window, tags = tagged.start, tagged.end, tagged.window, tagged.roles
    contents = [(window.start + s, window.start + e) for s, e in spans_of(tags, "CON")]
    if not contents:
        return None
    sources = [(window.start + s, window.start + e) for s, e in spans_of(tags, "SRC")]
    first, last = contents[0][0], contents[-1][1] - 1
    # A content that starts or ends inside a quotation takes in the whole quotation.
    for quotation in quotations:
        if quotation.first < first <= quotation.last:
            first = quotation.first
        if quotation.first <= last < quotation.last:
            last = quotation.last
    words = _trim(doc, list(range(first, last + 1)))
    if not words:
        return None
    source = min(sources, key=lambda span: _gap(span, (cue_start, cue_end)), default=None)
    verbs = [doc[i] for i in range(cue_start, cue_end) if doc[i].pos_ in ("VERB", "AUX")]
    subject = _subject(verbs[0]) if verbs else None
    if subject is not None and (
        source is None
        or (
            subject.head.i == verbs[0].i
            and subject.pos_ == "PROPN"
            and not (source[0] <= subject.i < source[1])
        )
    ):
        # The parse overrules the tagger when it found no source, or one that is not the cue
        # verb's own subject ("Blinken, who announced ... Lavrov this week, emphasized"); the
        # subject is also found through "…, claiming" and "While declining …, she said".
        source = _noun_span(subject)
    if source is not None and _says_of_itself(doc, source, cue_start, words):
        return None
    return Attribution(
        source=_span(doc, *source) if source is not None else None,
        entity=None,
        cue=make_cue(doc, cue_start, cue_end, lexicon),
        content=_span(doc, words[0], words[-1] + 1),
        kind=_kind(doc, words, (cue_start, cue_end), quotations),
        found_by="model",
    )


def _says_of_itself(doc: Doc, source: tuple[int, int], cue_start: int, words: Sequence[int]
                    ) -> bool:
    """Whether the source is a relative pronoun standing for a noun of the content itself ("A
    powerful earthquake [that rattled] eastern Turkey left 12 dead"): the cue is then a verb of
    the content's relative clause, not someone saying it."""
    start, end = source
    if end - start != 1 or doc[start].tag_ not in ("WDT", "WP"):
        return False
    clause = doc[cue_start]
    while clause.dep_ not in ("relcl", "acl") and clause.head.i != clause.i:
        if clause.head.i == clause.i or clause.dep_ == "ROOT":
            return False
        clause = clause.head
    antecedent = clause.head.i
    return clause.dep_ in ("relcl", "acl") and words[0] <= antecedent <= words[-1]


def _kind(
    doc: Doc, words: Sequence[int], cue: tuple[int, int], quotations: Sequence[Quotation]
) -> AttributionKind:
    """Direct when every word of the content (outside the cue's own clause, for a quotation
    split around it) is quoted, mixed when some are, indirect when none are."""
    quoted = unquoted = 0
    for index in words:
        token = doc[index]
        if token.is_punct or token.is_space:
            continue
        if _inside(index, quotations):
            quoted += 1
        elif not (cue[0] - 4 <= index < cue[1] + 4):
            unquoted += 1
    if quoted and not unquoted:
        return AttributionKind.DIRECT
    return AttributionKind.MIXED if quoted else AttributionKind.INDIRECT


# --- helpers ----------------------------------------------------------------------------------


def _span(doc: Doc, start: int, end: int) -> Span:
    """The character span of tokens ``doc[start:end]``, without surrounding spaces."""
    begin = doc[start].idx
    finish = doc[end - 1].idx + len(doc[end - 1].text)
    return Span(start=begin, end=finish, text=doc[start:end].text)


def _token_range(doc: Doc, start: int, end: int) -> range:
    span = doc.char_span(start, end, alignment_mode="expand")
    return range(span.start, span.end) if span is not None else range(0)


def _inside(index: int, quotations: Sequence[Quotation]) -> bool:
    return any(q.first <= index <= q.last for q in quotations)


def _overlaps(one: Span | object, other: Span | object) -> bool:
    return bool(
        getattr(one, "start", 0) < getattr(other, "end", 0)
        and getattr(other, "start", 0) < getattr(one, "end", 0)
    )


def _gap(span: tuple[int, int], cue: tuple[int, int]) -> int:
    return max(cue[0] - span[1], span[0] - cue[1], 0)
