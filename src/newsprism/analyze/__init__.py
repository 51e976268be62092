"""analyze stage: entities, attributions and time expressions of each article body.

    Article --nlp.pipe--> Doc --+-- entities.find_entities     names, roles, descriptors,
                                |                              affiliations, pronouns, role nouns
                                +-- quotes.find_attributions   who said what (sources resolved
                                |                              to entities here)
                                +-- timex.find_times           dates against Article.published
                                => AnalyzedArticle

The spaCy pipeline is loaded once (:func:`newsprism.analyze.nlp.load_model`) and passed in; the
rule files are read once into :class:`AnalyzeRules` and passed in too. Every offset in the
result indexes into ``Article.body``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING

from newsprism.analyze.tokens import TOKENS_VERSION, doc_tokens
from newsprism.config import AnalyzeSettings, TaggerName, load_settings
from newsprism.model import AnalyzedArticle, Article, Attribution, Entity, Span, Token

# The finders and spaCy load on first use, so that importing one light module of the package
# (the reporting-verb lexicon in analyze.cues, which compare reads) loads no model library.
if TYPE_CHECKING:
    from spacy.tokens import Doc

    from newsprism.analyze.attribution_model import AttributionTagger
    from newsprism.analyze.entities import EntityLexicons
    from newsprism.analyze.nlp import LoadedModel
    from newsprism.analyze.quotes import ReportingVerbs
    from newsprism.analyze.timex import TimeRules

logger = logging.getLogger(__name__)
_ENCODER_FILES = ("cue.int8.onnx", "role.fp32.onnx", "meta.json", "vocab.txt")

__all__ = [
    "AnalyzeRules",
    "analyze",
    "analyze_article",
    "load_analyze_rules",
    "resolve_sources",
]

# What may follow a speaker's name inside a source span ("Karine Jean-Pierre, the press
# secretary"; "Viktor Bout, who ..."): the name is still the speaker.
_AFTER_SPEAKER = (",", "(", "who ", "which ", "—", "–")
# A relative pronoun as the source ("Blinken, who announced ...") stands for the name before it.
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})


@dataclass(frozen=True, slots=True)
class AnalyzeRules:
    """The rule files and optional models the stage reads besides the spaCy pipeline.

    Attributes:
        entities: Entity rule files (:func:`~newsprism.analyze.entities.load_entity_lexicons`).
        times: Time vocabulary (:func:`~newsprism.analyze.timex.load_time_rules`).
        reporting_verbs: Reporting-verb lexicon, for attributions and for the label vote of a
            name that is a reporting verb's subject.
        attribution_model: The trained attribution tagger (the perceptron or the encoder), or
            ``None`` for the rules alone.
        made_by: newsprism's version and digests of the packaged rule files and of the tagger,
            recorded on every analysis (``AnalyzedArticle.made_by``).
    """

    entities: EntityLexicons
    times: TimeRules
    reporting_verbs: ReportingVerbs
    attribution_model: AttributionTagger | None = None
    made_by: str = ""


def load_analyze_rules(
    *,
    attribution_model: AttributionTagger | None = None,
    rules_only: bool = False,
    tagger: TaggerName | None = None,
) -> AnalyzeRules:
    """Read the packaged rule files and the packaged attribution model.

    Args:
        attribution_model: A loaded attribution tagger to use instead of the packaged one.
        rules_only: Use no attribution model: quotation and reporting-verb rules alone.
        tagger: Which packaged tagger: ``"encoder"`` (the perceptron instead, with a logged
            note, where onnxruntime is not installed) or ``"perceptron"`` (``--fast``);
            ``None`` reads ``analyze.attribution_tagger`` from the settings.

    Raises:
        ConfigError: A rule file or the model is broken; the message names the file.
    """
    from newsprism.analyze.attribution_model import load_attribution_model
    from newsprism.analyze.entities import load_entity_lexicons
    from newsprism.analyze.quotes import load_reporting_verbs
    from newsprism.analyze.timex import load_time_rules

    packaged = attribution_model is None and not rules_only
    if packaged and tagger is None:
        tagger = load_settings().analyze.attribution_tagger
    encoder = packaged and tagger == "encoder" and _has_onnxruntime()
    if encoder:
        from newsprism.analyze.attribution_encoder import ENCODER_DIR, load_encoder_tagger

        attribution_model = load_encoder_tagger()
    elif packaged:
        attribution_model = load_attribution_model()
    digest = "given"
    if rules_only:
        digest = "none"
    elif encoder:
        digest = _digest(tuple(f"{ENCODER_DIR}/{name}" for name in _ENCODER_FILES))
    elif packaged:
        digest = _digest(("attribution_model.npz",))
    return AnalyzeRules(
        entities=load_entity_lexicons(),
        times=load_time_rules(),
        reporting_verbs=load_reporting_verbs(),
        attribution_model=None if rules_only else attribution_model,
        made_by=(
            f"newsprism {_version()}; rules {_digest(_rule_files())}; tagger {digest};"
            f" tokens {TOKENS_VERSION}"
        ),
    )


def _has_onnxruntime() -> bool:
    if importlib.util.find_spec("onnxruntime") is None:
        logger.info("onnxruntime is not installed: attributions by the perceptron")
        return False
    return True


def _version() -> str:
    from newsprism import __version__

    return __version__


def _rule_files() -> tuple[str, ...]:
    # Every packaged rule file and word list: a change to any of them may change an analysis.
    folder = resources.files("newsprism.data")
    return tuple(
        sorted(e.name for e in folder.iterdir() if e.name.endswith((".toml", ".txt")))
    )


@functools.cache
def _digest(names: tuple[str, ...]) -> str:
    folder = resources.files("newsprism.data")
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode("utf-8") + b"\0" + folder.joinpath(name).read_bytes())
    return digest.hexdigest()[:8]


def analyze(
    articles: Iterable[Article],
    *,
    model: LoadedModel,
    settings: AnalyzeSettings,
    rules: AnalyzeRules | None = None,
) -> Iterator[AnalyzedArticle]:
    """Analyse articles, parsing their bodies in batches.

    Args:
        articles: The articles; consumed lazily.
        model: The loaded spaCy pipeline.
        settings: Analysis settings (``batch_size`` for ``nlp.pipe``, look-back windows).
        rules: The rule files; read from the package when ``None``.

    Yields:
        One analysed article per article, in input order.
    """
    rules = rules if rules is not None else load_analyze_rules()
    pairs = ((article.body, article) for article in articles)
    for doc, article in model.nlp.pipe(pairs, as_tuples=True, batch_size=settings.batch_size):
        yield _analyze_doc(doc, article, model=model, settings=settings, rules=rules)


def analyze_article(
    article: Article,
    *,
    model: LoadedModel,
    settings: AnalyzeSettings,
    rules: AnalyzeRules | None = None,
) -> AnalyzedArticle:
    """Analyse one article (see :func:`analyze` for many).

    Args:
        article: The article.
        model: The loaded spaCy pipeline.
        settings: Analysis settings.
        rules: The rule files; read from the package when ``None``.
    """
    rules = rules if rules is not None else load_analyze_rules()
    doc = model.nlp(article.body)
    return _analyze_doc(doc, article, model=model, settings=settings, rules=rules)


def resolve_sources(
    attributions: Sequence[Attribution], entities: Sequence[Entity], text: str
) -> tuple[Attribution, ...]:
    """Set each attribution's ``entity`` to the entity its source names.

    The speaker is the mention that ends the source span, or that is followed inside it only by
    an appositive or relative clause ("Karine Jean-Pierre, the press secretary"); a mention that
    merely modifies the speaker ("US" in "US officials", "Russia" in "Russia's ministry") is not.
    When no mention lies inside the source, a mention holding the whole source counts; a
    relative pronoun ("Blinken, who announced ...") resolves to the mention just before it.

    Args:
        attributions: Attributions with ``entity`` unset.
        entities: The article's entities.
        text: The article body the offsets index into.

    Returns:
        The attributions, with ``entity`` set where a source resolves.
    """
    resolved = []
    for attribution in attributions:
        source = attribution.source
        entity_id = None if source is None else _speaker(source.start, source.end, entities, text)
        resolved.append(replace(attribution, entity=entity_id) if entity_id else attribution)
    return tuple(resolved)


_PLACE_OF = re.compile(r"\s+(?:of|from)\s+")


def _speaker(start: int, end: int, entities: Sequence[Entity], text: str) -> str | None:
    end = start + len(text[start:end].rstrip(" ,.;:"))
    if text[start:end].lower() in _RELATIVE_PRONOUNS:
        for entity in entities:
            for mention in entity.mentions:
                if mention.end <= start and not text[mention.end : start].strip(" ,"):
                    return entity.id
        return None
    best: tuple[int, int, str] | None = None
    inside = [
        (mention, entity.id)
        for entity in entities
        for mention in entity.mentions
        if start <= mention.start and mention.end <= end
    ]
    # A name after "of" or "from" another name of the source is where the speaker is from
    # ("Sen. Jim Barrow of Texas"): never the speaker, and no bar to the name before it.
    places = {
        id(mention) for mention, _ in inside
        if any(_PLACE_OF.fullmatch(text[other.end : mention.start]) for other, _ in inside)
    }
    for mention, entity_id in inside:
        if id(mention) in places:
            continue
        tail = mention.end
        for other, _ in inside:
            if id(other) in places and _PLACE_OF.fullmatch(text[tail : other.start]):
                tail = other.end
        after = text[tail:end].lstrip()
        if after and not after.startswith(_AFTER_SPEAKER):
            continue
        # A name inside another's appositive ("Mr. Menendez, a Democrat,") is who the
        # speaker is, not the speaker.
        if any(
            other.end <= mention.start and text[other.end : mention.start].lstrip().startswith(",")
            for other, _ in inside
        ):
            continue
        rank = (mention.end, mention.end - mention.start, entity_id)
        if best is None or rank[:2] > best[:2]:
            best = rank
    if best is None:
        for entity in entities:
            for mention in entity.mentions:
                if mention.start <= start and end <= mention.end:
                    return entity.id
    return best[2] if best is not None else None


def _analyze_doc(
    doc: Doc,
    article: Article,
    *,
    model: LoadedModel,
    settings: AnalyzeSettings,
    rules: AnalyzeRules,
) -> AnalyzedArticle:
    from newsprism.analyze.entities import find_entities
    from newsprism.analyze.quotes import find_attributions, find_quotations
    from newsprism.analyze.timex import find_times

    quotations = find_quotations(doc)
    quotes = tuple((quotation.start, quotation.end) for quotation in quotations)
    entities = find_entities(
        doc,
        lexicons=rules.entities,
        settings=settings,
        quotes=quotes,
        reporting_lemmas=frozenset(rules.reporting_verbs.verbs),
    )
    attributions = find_attributions(
        doc, lexicon=rules.reporting_verbs, model=rules.attribution_model, quotations=quotations
    )
    tokens = doc_tokens(doc)
    _warn_if_not_english(article, tokens, settings)
    return AnalyzedArticle(
        article=article,
        entities=entities,
        attributions=resolve_sources(attributions, entities, article.body),
        times=find_times(doc, published=article.published, rules=rules.times),
        nlp_model=model.label,
        attribution_model=rules.attribution_model.label if rules.attribution_model else "",
        sentences=tuple(
            Span(sentence.start_char, sentence.end_char, sentence.text) for sentence in doc.sents
        ),
        made_by=rules.made_by,
        tokens=tokens,
    )


def _warn_if_not_english(
    article: Article, tokens: Sequence[Token], settings: AnalyzeSettings
) -> None:
    # The model and every rule file are English. English prose is 35-50% function words (the
    # stop list); a page in another language has next to none, so its entities, attributions
    # and times would be read as if it were English: say so rather than pass them on silently.
    if len(tokens) < settings.language_check_words:
        return
    share = sum(token.stop for token in tokens) / len(tokens)
    if share < settings.english_function_share:
        logger.warning(
            "article %s (%s): only %.0f%% of its words are English function words; if it is not"
            " in English, its analysis (English model and rules) is unreliable",
            article.id, article.source.location, 100 * share,
        )
