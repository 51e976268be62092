"""Settings: packaged defaults, overridden by a user file, overridden by flags.

``data/defaults.toml`` holds every key with its default and a comment. A user file given with
``--config FILE`` (or ``$NEWSPRISM_CONFIG``) may set any subset of them; flags passed as
``overrides`` win over both. Unknown sections or keys are an error, so typos do not pass silently.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from newsprism.errors import ConfigError


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
    deadline_seconds: float = 60.0


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
    text_long_line_words: int = 25
    text_prose_lower_share: float = 0.5
    text_headline_min_words: int = 3
    text_headline_max_words: int = 30
    text_standfirst_max_words: int = 60
    text_max_short_run: int = 3
    text_block_share: float = 0.2
    text_headline_window: int = 30
    text_headline_body_words: int = 200


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """The database."""

    busy_timeout_seconds: float
    writer_wait_seconds: float = 600.0


@dataclass(frozen=True, slots=True)
class AnalyzeSettings:
    """Analysis of article bodies (entities, references, time expressions)."""

    batch_size: int = 32
    pronoun_window_sentences: int = 3
    nominal_window_sentences: int = 8


@dataclass(frozen=True, slots=True)
class StoriesSettings:
    """Story clustering and cross-article entity resolution (see the [stories] section)."""

    title_weight: float = 2.0
    name_weight: float = 1.0
    body_words: int = 300
    quote_min_words: int = 5
    max_terms: int = 80
    idf_prior_documents: int = 1000
    index_terms: int = 24
    query_terms: int = 12
    posting_cap: int = 30
    candidates: int = 10
    join_threshold: float = 0.15
    full_terms: int = 80
    link: str = "average"
    time_scale_days: float = 7.0
    time_penalty: float = 0.2
    max_gap_days: int = 60
    entity_weight: float = 0.0
    quote_weight: float = 0.15
    merge_threshold: float = 0.7
    split_every: int = 8
    split_threshold: float = 0.05
    split_max_size: int = 64
    summary_terms: int = 8
    embedding_words: int = 200
    embedding_weight: float = 0.5
    embedding_threshold: float = 0.5
    embedding_merge_threshold: float = 0.8
    embedding_split_threshold: float = 0.3
    embedding_tables: int = 16
    embedding_bits: int = 8
    embedding_candidates: int = 20
    embedding_recent: int = 30


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """Comparison of one story across outlets (see the [compare] section)."""

    align_threshold: float = 0.15
    align_strong: float = 1.0
    overlap: str = "jaccard"
    containment: float = 0.0
    idf_weight: float = 0.0
    clause_weight: float = 0.0
    clause_min_words: int = 3
    phrase_weight: float = 0.0
    embedding_weight: float = 0.7
    embedding_threshold: float = 0.35
    weight_words: float = 1.0
    weight_names: float = 0.0
    weight_numbers: float = 0.0
    min_shared_words: int = 1
    findings_per_outlet: int = 6


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings, one section per stage."""

    ingest: IngestSettings
    fetch: FetchSettings
    dedup: DedupSettings
    extract: ExtractSettings
    store: StoreSettings
    sources: tuple[str, ...] = field(default=("defaults.toml",))
    analyze: AnalyzeSettings = field(default=AnalyzeSettings())
    compare: CompareSettings = field(default=CompareSettings())
    stories: StoriesSettings = field(default=StoriesSettings())


def load_settings(
    path: Path | None = None, overrides: dict[str, dict[str, Any]] | None = None
) -> Settings:
    """Load the settings.

    Args:
        path: A user TOML file; when ``None``, ``$NEWSPRISM_CONFIG`` is used if set.
        overrides: ``{"section": {"key": value}}`` from command-line flags.

    Returns:
        The merged settings, with ``sources`` naming the files that contributed.

    Raises:
        ConfigError: The user file cannot be read, or names an unknown section or key, or gives
            a value of the wrong type.
    """
    defaults_text = resources.files("newsprism.data").joinpath("defaults.toml").read_text("utf-8")
    merged: dict[str, dict[str, Any]] = tomllib.loads(defaults_text)
    sources = ["defaults.toml"]
    if path is None and os.environ.get("NEWSPRISM_CONFIG"):
        path = Path(os.environ["NEWSPRISM_CONFIG"])
    if path is not None:
        _merge(merged, _read_user_file(path), where=str(path))
        sources.append(str(path))
    if overrides:
        _merge(merged, overrides, where="command-line flags")
    return Settings(
        ingest=IngestSettings(**merged["ingest"]),
        fetch=FetchSettings(**merged["fetch"]),
        dedup=DedupSettings(**merged["dedup"]),
        extract=ExtractSettings(**merged["extract"]),
        store=StoreSettings(**merged["store"]),
        sources=tuple(sources),
        analyze=AnalyzeSettings(**merged["analyze"]),
        compare=CompareSettings(**merged["compare"]),
        stories=StoriesSettings(**merged["stories"]),
    )


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
