"""Settings: packaged defaults, overridden by a user file, overridden by flags.

``data/defaults.toml`` holds every key with its default and a comment. A user file given with
``--config FILE`` (or ``$NEWSPRISM_CONFIG``) may set any subset of them; flags passed as
``overrides`` win over both. Unknown sections or keys are an error, so typos do not pass silently.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from newsprism.errors import ConfigError

DEFAULTS_FILE = "defaults.toml"
# The words a setting may take, where it is a choice.
Link = Literal["average", "centroid", "nearest"]
Overlap = Literal["words", "jaccard", "cosine"]
TaggerName = Literal["encoder", "perceptron"]


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """Reading inputs."""

    max_bytes: int
    batch_size: int


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Fetching URLs over HTTP."""

    timeout_seconds: float
    retries: int
    backoff_seconds: float
    user_agent: str
    deadline_seconds: float
    private_addresses: bool


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """Exact and near-duplicate detection."""

    shingle_words: int
    num_perm: int
    near_threshold: float
    min_words: int


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """Article extraction."""

    short_line_words: int
    text_long_line_words: int
    text_prose_lower_share: float
    text_headline_min_words: int
    text_headline_max_words: int
    text_standfirst_max_words: int
    text_max_short_run: int
    text_block_share: float
    text_headline_window: int
    text_headline_body_words: int


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """The database."""

    busy_timeout_seconds: float
    writer_wait_seconds: float


@dataclass(frozen=True, slots=True)
class AnalyzeSettings:
    """Analysis of article bodies (entities, references, time expressions)."""

    batch_size: int
    pronoun_window_sentences: int
    nominal_window_sentences: int
    attribution_tagger: TaggerName
    language_check_words: int
    english_function_share: float


@dataclass(frozen=True, slots=True)
class StoriesSettings:
    """Story clustering and cross-article entity resolution (see the [stories] section)."""

    title_weight: float
    name_weight: float
    body_words: int
    quote_min_words: int
    quote_sample: int
    max_terms: int
    idf_prior_documents: int
    index_terms: int
    query_terms: int
    posting_cap: int
    candidates: int
    join_threshold: float
    full_terms: int
    length_exponent: float
    background_weight: float
    link: Link
    link_k: int
    link_window: int
    time_scale_days: float
    time_penalty: float
    max_gap_days: int
    entity_weight: float
    quote_weight: float
    merge_threshold: float
    split_every: int
    split_threshold: float
    split_max_size: int
    summary_terms: int
    embedding_words: int
    embedding_weight: float
    embedding_threshold: float
    embedding_merge_threshold: float
    embedding_split_threshold: float
    embedding_tables: int
    embedding_bits: int
    embedding_candidates: int
    embedding_recent: int


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """Comparison of one story across outlets (see the [compare] section)."""

    align_threshold: float
    align_strong: float
    overlap: Overlap
    containment: float
    idf_weight: float
    clause_weight: float
    clause_min_words: int
    phrase_weight: float
    claim_threshold: float
    embedding_weight: float
    embedding_threshold: float
    embedding_confirm: float
    embedding_min_shared_words: int
    weight_words: float
    weight_names: float
    weight_numbers: float
    min_shared_words: int
    claim_min_shared_words: int
    phrase_min_shared_words: int
    findings_per_outlet: int
    anchor_min_shared_words: int


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings, one section per stage."""

    ingest: IngestSettings
    fetch: FetchSettings
    dedup: DedupSettings
    extract: ExtractSettings
    store: StoreSettings
    analyze: AnalyzeSettings
    compare: CompareSettings
    stories: StoriesSettings
    sources: tuple[str, ...]


_SECTIONS: dict[str, type[Any]] = {
    "ingest": IngestSettings,
    "fetch": FetchSettings,
    "dedup": DedupSettings,
    "extract": ExtractSettings,
    "store": StoreSettings,
    "analyze": AnalyzeSettings,
    "compare": CompareSettings,
    "stories": StoriesSettings,
}


# Read once, when the module loads; every load_settings call parses its own copy to merge into.
_DEFAULTS_TEXT = resources.files("newsprism.data").joinpath(DEFAULTS_FILE).read_text("utf-8")


def load_settings(
    path: Path | None = None, overrides: dict[str, dict[str, Any]] | None = None
) -> Settings:
    """Load the settings.

    ``defaults.toml`` is the only place a default is written: the records here have no default
    values, and every key of the file must be a field of its section's record.

    Args:
        path: A user TOML file; when ``None``, ``$NEWSPRISM_CONFIG`` is used if set.
        overrides: ``{"section": {"key": value}}`` from command-line flags.

    Returns:
        The merged settings, with ``sources`` naming the files that contributed.

    Raises:
        ConfigError: The user file cannot be read, or names an unknown section or key, or gives
            a value of the wrong type, a negative number, or a word outside a setting's choices
            (``stories.link`` is "average", "centroid" or "nearest").
    """
    merged: dict[str, dict[str, Any]] = tomllib.loads(_DEFAULTS_TEXT)
    sources = [DEFAULTS_FILE]
    if path is None and os.environ.get("NEWSPRISM_CONFIG"):
        path = Path(os.environ["NEWSPRISM_CONFIG"])
    if path is not None:
        _merge(merged, _read_user_file(path), where=str(path))
        sources.append(str(path))
    if overrides:
        _merge(merged, overrides, where="command-line flags")
    where = ", ".join(sources[1:] + (["command-line flags"] if overrides else [])) or DEFAULTS_FILE
    sections = {name: _section(name, merged.get(name, {}), where) for name in _SECTIONS}
    return Settings(**sections, sources=tuple(sources))


def _section(name: str, values: dict[str, Any], where: str) -> Any:
    record = _SECTIONS[name]
    hints = typing.get_type_hints(record)
    missing = sorted(set(hints) - set(values))
    if missing:
        # Only a damaged packaged file can get here: user files merge into the defaults.
        raise ConfigError(
            f"[{name}] lacks {', '.join(missing)}; restore the packaged defaults.toml",
            where=DEFAULTS_FILE,
        )
    for key, value in values.items():
        choices = typing.get_args(hints[key]) if typing.get_origin(hints[key]) is Literal else ()
        if choices and value not in choices:
            options = " or ".join(repr(choice) for choice in choices)
            raise ConfigError(f"{name}.{key} must be {options}, got {value!r}", where=where)
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{name}.{key} must not be negative, got {value!r}", where=where)
    # A float setting written as a whole number ("retries = 2.0" as "2") is still a float.
    typed = {k: float(v) if hints[k] is float else v for k, v in values.items()}
    return record(**typed)


def _read_user_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            "settings file not found; check the --config path", where=str(path)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"not valid TOML ({exc}); fix the line it names", where=str(path)
        ) from exc


def _merge(base: dict[str, dict[str, Any]], extra: dict[str, Any], *, where: str) -> None:
    for section, values in extra.items():
        if section not in base or not isinstance(values, dict):
            raise ConfigError(
                f"unknown settings section [{section}]; known: {', '.join(sorted(base))}",
                where=where,
            )
        for key, value in values.items():
            if key not in base[section]:
                known = ", ".join(sorted(base[section]))
                raise ConfigError(f"unknown key {section}.{key}; known: {known}", where=where)
            default = base[section][key]
            if not _same_type(default, value):
                raise ConfigError(
                    f"{section}.{key} must be {type(default).__name__}, got {value!r}", where=where
                )
            base[section][key] = value


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def replace_section(settings: Settings, section: str, **changes: Any) -> Settings:
    """Return settings with some keys of one section changed (used by tests and the CLI)."""
    current = getattr(settings, section)
    return dataclasses.replace(settings, **{section: dataclasses.replace(current, **changes)})
