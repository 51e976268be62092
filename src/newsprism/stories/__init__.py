"""stories stage: which articles tell the same story, and which names are the same entity.

    Article (+ AnalyzedArticle when analysed)
        --features.story_item--> StoryItem (terms, quotes, entity keys, day, copy link)
        --cluster.StoryClusterer.add--> Story (online; merges and splits as StoryChange)
    AnalyzedArticle + story id
        --resolve.EntityResolver.add--> GlobalEntity (aliases, roles, articles, outlets)

Clustering needs no model: TF-IDF with document frequencies kept as articles arrive, candidate
stories from an inverted index, never all pairs. Entities and shared quotes add to the score
when available; an optional sentence encoder (``stories.embed.TextEncoder``, e.g. MiniLM from the
``embeddings`` extra) blends embedding similarity in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsprism.stories.cluster import Decision, StoryClusterer
    from newsprism.stories.features import StoryItem, analyzed_item, story_item

__all__ = ["Decision", "StoryClusterer", "StoryItem", "analyzed_item", "story_item"]

# Loaded on first access (PEP 562): compare reads stories.names, which must not bring the
# clusterer and scipy with it.
_LAZY = {
    "Decision": "newsprism.stories.cluster",
    "StoryClusterer": "newsprism.stories.cluster",
    "StoryItem": "newsprism.stories.features",
    "analyzed_item": "newsprism.stories.features",
    "story_item": "newsprism.stories.features",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsprism.stories' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
