"""Online story clustering: each article joins the best existing story or starts a new one.

    article --features--> term counts, quotes, entities, day
            --vector----> TF-IDF (document frequencies kept as articles arrive), top terms
            --index-----> candidate stories from the inverted index (term -> recent stories)
            --score-----> mean cosine with the candidate's nearest members (or with all its
                          members, or its centroid: ``link``), - time gap, + shared entities,
                          + shared quote
            --decide----> join the best at or above ``join_threshold`` (scaled by length:
                          ``length_exponent``; raised by ``background_weight`` x the mean
                          score of the other candidates), or start a new story;
                          merge two stories the article links when their centroids agree;
                          every ``split_every`` additions, split a story whose members fall
                          into average-link groups linked below ``split_threshold``

Nothing compares all pairs: an article is scored against at most ``candidates`` stories found
through at most ``query_terms`` posting lists of at most ``posting_cap`` stories each, so the
cost of one addition does not grow with the corpus. Story ids are "s" + the id of the article
that started the story and never change; a merge renames the merged-away id to the survivor's in
the posting lists, and the change is recorded.

With an optional sentence encoder (:class:`newsprism.stories.embed.TextEncoder`), each article
also gets a unit embedding; candidate stories then also come from random-hyperplane LSH buckets
of the embeddings (capped like the posting lists) and from the most recently changed stories,
and every score, and the bar it is held to, blends the TF-IDF value with the embedding's
(``embedding_weight``). Without an encoder nothing of this runs.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import heapq
import json
import math
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np

from newsprism.config import StoriesSettings
from newsprism.model import (
    Story,
    StoryArticle,
    StoryChange,
    StoryChangeKind,
    StoryJoin,
    StoryUpdate,
)
from newsprism.stories.embed import TextEncoder, unit_rows
from newsprism.stories.features import StoryItem

# Partial score given to a story found through a shared quote rather than a shared term.
_QUOTE_HINT = 1.0


@dataclass(slots=True)
class _Story:
    id: str
    founder: int
    members: list[int] = field(default_factory=list)
    centroid: dict[int, float] = field(default_factory=dict)
    norm2: float = 0.0
    first_day: int | None = None
    last_day: int | None = None
    entities: Counter[str] = field(default_factory=Counter)
    quotes: set[int] = field(default_factory=set)
    added_since_check: int = 0
    embedding: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """Where one article went and why."""

    story: str
    joined_by: StoryJoin
    score: float


class StoryClusterer:
    """Keeps the stories of a growing stream of articles.

    Args:
        settings: The ``[stories]`` settings.
        encoder: An optional sentence encoder; its similarity is blended with TF-IDF.
    """

    def __init__(self, *, settings: StoriesSettings, encoder: TextEncoder | None = None) -> None:
        self.settings = settings
        self.encoder = encoder
        self._embeddings: list[np.ndarray | None] = []
        self._lsh_keys: list[array[int]] = []
        self._lsh_postings: dict[int, dict[str, None]] = {}
        self._planes: np.ndarray | None = None
        self._recent: dict[str, None] = {}
        self._primed: dict[str, np.ndarray] = {}
        self._vocab: dict[str, int] = {}
        self._words: list[str] = []
        self._df: list[int] = []
        self._n = 0
        self._entity_df: dict[str, int] = {}
        self._entity_n = 0
        self._postings: dict[int, dict[str, None]] = {}
        self._quote_postings: dict[int, dict[str, None]] = {}
        self._seq: dict[str, int] = {}
        self._story_of: list[str] = []
        self._terms: list[array[int]] = []
        self._weights: list[array[float]] = []
        self._extras: list[tuple[frozenset[str], frozenset[int], int | None]] = []
        self._summaries: list[StoryArticle] = []
        self._stories: dict[str, _Story] = {}
        self._dirty: set[str] = set()
        self._removed: set[str] = set()
        self._changes: list[StoryChange] = []

    def __len__(self) -> int:
        return len(self._story_of)

    # --- public interface ---------------------------------------------------------------------

    def add(self, item: StoryItem) -> Decision:
        """Assign one article to a story, creating, merging or splitting stories as needed.

        Args:
            item: The article's features (:func:`newsprism.stories.features.story_item`).

        Returns:
            The story it joined, how, and the score.
        """
        if item.id in self._seq:
            seq = self._seq[item.id]
            story = self._story_of[seq]
            return Decision(story, self._summaries[seq].joined_by, self._summaries[seq].score)
        vector = self._vector(item)
        embedding = self._embed(item)
        copied = self._seq.get(item.copy_of) if item.copy_of else None
        if copied is not None:
            decision = Decision(self._story_of[copied], StoryJoin.COPY, 1.0)
            self._place(item, vector, decision, embedding=embedding)
            return decision
        scored = self._score_candidates(item, vector, embedding)
        threshold = self._blend(self._threshold(vector), self.settings.embedding_threshold)
        if len(scored) > 1 and self.settings.background_weight:
            # The bar rises with how well the article fits the other candidate stories: in a
            # week of stories about one person, an article scores well with all of them, and
            # only a story that stands out from the rest is its own; an article that fits no
            # other story is held to the plain bar.
            others = [max(s, 0.0) for _, s in scored[1:]]
            threshold += self.settings.background_weight * sum(others) / len(others)
        if not scored or scored[0][1] < threshold:
            decision = Decision("s" + item.id, StoryJoin.NEW, scored[0][1] if scored else 0.0)
            self._place(item, vector, decision, embedding=embedding)
            return decision
        best, score = scored[0]
        decision = Decision(best, StoryJoin.SIMILAR, score)
        self._place(item, vector, decision, embedding=embedding)
        linked = [sid for sid, s in scored[1:] if s >= threshold]
        survivor = self._merge_linked(best, linked)
        self._maybe_split(survivor)
        return dataclasses.replace(decision, story=self._story_of[self._seq[item.id]])

    def prime(self, items: Sequence[StoryItem]) -> None:
        """Encode the texts of articles about to be added or restored, in one batch (an encoder
        is much faster on a batch than text by text). Without an encoder, does nothing."""
        if self.encoder is None:
            return
        todo = [item for item in items if item.id not in self._seq and item.id not in self._primed]
        if not todo:
            return
        rows = unit_rows(self.encoder.encode([_text(item) for item in todo]))
        for item, row in zip(todo, rows, strict=True):
            self._primed[item.id] = row

    def restore(self, item: StoryItem, story: str, member: StoryArticle) -> None:
        """Put back an article whose story is already known (rebuilding from a store).

        Articles must be restored in their original arrival order, so that document
        frequencies are what they were.
        """
        if item.id in self._seq:
            return
        vector = self._vector(item)
        decision = Decision(story, member.joined_by, member.score)
        self._place(item, vector, decision, dirty=False, embedding=self._embed(item))

    # --- snapshots (a store keeps the state instead of replaying every article) ----------------

    def fingerprint(self) -> str:
        """What a snapshot must match to be used: format, settings, and whether an encoder is."""
        encoder = self.encoder is not None
        return f"{_SNAPSHOT_FORMAT}|{sys.byteorder}|{self.settings!r}|encoder={encoder}"

    def snapshot(self) -> bytes:
        """The whole clustering state as compressed JSON (no pickle: a store may be untrusted).

        Taken after :meth:`drain`; pending changes are not part of it.
        """
        stories = [
            [
                st.id,
                st.founder,
                st.members,
                _pack_array(array("i", st.centroid.keys())),
                _pack_array(array("d", st.centroid.values())),
                st.norm2,
                st.first_day,
                st.last_day,
                list(st.entities.items()),
                sorted(st.quotes),
                st.added_since_check,
                _b64(st.embedding),
            ]
            for st in self._stories.values()
        ]
        state = {
            "fingerprint": self.fingerprint(),
            "words": self._words,
            "df": self._df,
            "n": self._n,
            "entity_df": self._entity_df,
            "entity_n": self._entity_n,
            "postings": [[k, list(v)] for k, v in self._postings.items()],
            "quote_postings": [[k, list(v)] for k, v in self._quote_postings.items()],
            "lsh_postings": [[k, list(v)] for k, v in self._lsh_postings.items()],
            "story_of": self._story_of,
            "lengths": _pack_array(array("i", (len(t) for t in self._terms))),
            "terms": _pack_array(array("i", (t for terms in self._terms for t in terms))),
            "weights": _pack_array(array("f", (w for ws in self._weights for w in ws))),
            "extras": [[sorted(e), sorted(q), d] for e, q, d in self._extras],
            "summaries": [_summary_row(summary) for summary in self._summaries],
            "embeddings": [_b64(e) for e in self._embeddings],
            "lsh_keys": [k.tolist() for k in self._lsh_keys],
            "recent": list(self._recent),
            "stories": stories,
        }
        return zlib.compress(json.dumps(state, separators=(",", ":")).encode("utf-8"), 1)

    @classmethod
    def from_snapshot(
        cls, data: bytes, *, settings: StoriesSettings, encoder: TextEncoder | None = None
    ) -> StoryClusterer | None:
        """A clusterer in the state :meth:`snapshot` saved, or ``None`` when the snapshot was
        taken with other settings, with(out) an encoder, or by another format."""
        clusterer = cls(settings=settings, encoder=encoder)
        try:
            state = json.loads(zlib.decompress(data))
        except (zlib.error, ValueError):
            return None
        if not isinstance(state, dict) or state.get("fingerprint") != clusterer.fingerprint():
            return None
        c = clusterer
        c._words = state["words"]
        c._vocab = {word: term for term, word in enumerate(c._words)}
        c._df = state["df"]
        c._n = state["n"]
        c._entity_df = state["entity_df"]
        c._entity_n = state["entity_n"]
        c._postings = {k: dict.fromkeys(v) for k, v in state["postings"]}
        c._quote_postings = {k: dict.fromkeys(v) for k, v in state["quote_postings"]}
        c._lsh_postings = {k: dict.fromkeys(v) for k, v in state["lsh_postings"]}
        c._story_of = state["story_of"]
        c._terms, c._weights = [], []
        flat_terms = _unpack_array("i", state["terms"])
        flat_weights = _unpack_array("f", state["weights"])
        at = 0
        for length in _unpack_array("i", state["lengths"]):
            c._terms.append(flat_terms[at : at + length])
            c._weights.append(flat_weights[at : at + length])
            at += length
        c._extras = [(frozenset(e), frozenset(q), d) for e, q, d in state["extras"]]
        c._summaries = [_summary_of_row(row) for row in state["summaries"]]
        c._seq = {summary.id: seq for seq, summary in enumerate(c._summaries)}
        c._embeddings = [_unb64(e) for e in state["embeddings"]]
        c._lsh_keys = [array("q", k) if k else _NO_KEYS for k in state["lsh_keys"]]
        c._recent = dict.fromkeys(state["recent"])
        for row in state["stories"]:
            story = _Story(row[0], founder=row[1])
            story.members = row[2]
            keys, values = _unpack_array("i", row[3]), _unpack_array("d", row[4])
            story.centroid = dict(zip(keys, values, strict=True))
            story.norm2 = row[5]
            story.first_day, story.last_day = row[6], row[7]
            story.entities = Counter(dict(row[8]))
            story.quotes = set(row[9])
            story.added_since_check = row[10]
            story.embedding = _unb64(row[11])
            c._stories[story.id] = story
        return clusterer

    def story_of(self, article_id: str) -> str | None:
        """The story id of an article, or ``None`` when it was never added."""
        seq = self._seq.get(article_id)
        return None if seq is None else self._story_of[seq]

    def labels(self) -> dict[str, str]:
        """Every article id and its story id."""
        return {summary.id: self._story_of[seq] for seq, summary in enumerate(self._summaries)}

    def stories(self) -> list[Story]:
        """Every story, oldest first."""
        states = sorted(self._stories.values(), key=lambda s: s.founder)
        return [self._record(state) for state in states]

    def drain(self) -> StoryUpdate:
        """The stories changed since the last call, stories removed, and merges and splits."""
        update = StoryUpdate(
            stories=tuple(
                self._record(self._stories[sid])
                for sid in sorted(self._dirty, key=lambda s: self._stories[s].founder)
                if sid in self._stories
            ),
            removed=tuple(sorted(sid for sid in self._removed if sid not in self._stories)),
            changes=tuple(self._changes),
        )
        self._dirty.clear()
        self._removed.clear()
        self._changes.clear()
        return update

    # --- vectors and candidates ---------------------------------------------------------------

    def _blend(self, tfidf: float, embedding: float) -> float:
        if self.encoder is None:
            return tfidf
        weight = self.settings.embedding_weight
        return (1.0 - weight) * tfidf + weight * embedding

    def _embed(self, item: StoryItem) -> np.ndarray | None:
        if self.encoder is None:
            return None
        primed = self._primed.pop(item.id, None)
        if primed is not None:
            return primed
        row: np.ndarray = unit_rows(self.encoder.encode([_text(item)]))[0]
        return row

    def _lsh(self, embedding: np.ndarray) -> array[int]:
        settings = self.settings
        bits = settings.embedding_bits
        if self._planes is None:
            rng = np.random.default_rng(0)
            shape = (settings.embedding_tables * bits, embedding.shape[0])
            self._planes = rng.standard_normal(shape).astype(np.float32)
        signs = (self._planes @ embedding > 0).reshape(settings.embedding_tables, bits)
        codes = signs.astype(np.int64) @ (1 << np.arange(bits, dtype=np.int64))
        return array("q", [(table << bits) | int(code) for table, code in enumerate(codes)])

    def _embedding_candidates(self, keys: array[int], chosen: dict[str, float]) -> None:
        settings = self.settings
        hits: dict[str, int] = {}
        for key in keys:
            for sid in self._lsh_postings.get(key, ()):
                hits[sid] = hits.get(sid, 0) + 1
        for sid, _ in heapq.nlargest(
            settings.embedding_candidates, hits.items(), key=itemgetter(1)
        ):
            chosen.setdefault(sid, 0.0)
        for sid in (
            list(self._recent)[-settings.embedding_recent :] if settings.embedding_recent else ()
        ):
            chosen.setdefault(sid, 0.0)

    def _threshold(self, vector: dict[int, float]) -> float:
        # The bar for an article of full_terms terms or more is join_threshold; a shorter one's
        # is scaled by (terms / full_terms) ** length_exponent. Two texts that share no story
        # share more words by chance the longer they are (a long body names the same people
        # and places as its neighbours), so a positive exponent lowers the bar for short texts;
        # 0 holds every length to one bar.
        settings = self.settings
        terms = max(1, min(len(vector), settings.full_terms))
        scale: float = (terms / settings.full_terms) ** settings.length_exponent
        return settings.join_threshold * scale

    def _entity_idf(self, key: str) -> float:
        prior = self._entity_n + 1 + self.settings.idf_prior_documents
        return math.log(prior / (self._entity_df.get(key, 0) + 1)) + 1.0

    def _vector(self, item: StoryItem) -> dict[int, float]:
        if item.entities:
            self._entity_n += 1
            for key in item.entities:
                self._entity_df[key] = self._entity_df.get(key, 0) + 1
        self._n += 1
        # Smoothed IDF with a prior of idf_prior_documents documents that hold none of the
        # words: a small prior lets a name that most of the articles seen so far share weigh
        # little (in a week of Trump stories, "Trump" tells none apart); a large one keeps every
        # word rare until about that many articles have been seen.
        prior = self._n + 1 + self.settings.idf_prior_documents
        weights: dict[int, float] = {}
        for word, count in item.counts.items():
            term = self._vocab.get(word)
            if term is None:
                term = self._vocab[word] = len(self._words)
                self._words.append(word)
                self._df.append(0)
            self._df[term] += 1
            weights[term] = count * (math.log(prior / (self._df[term] + 1)) + 1.0)
        top = heapq.nlargest(self.settings.max_terms, weights.items(), key=itemgetter(1))
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        return {term: w / norm for term, w in top}

    def _score_candidates(
        self, item: StoryItem, vector: dict[int, float], embedding: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        settings = self.settings
        partial: dict[str, float] = {}
        get = partial.get
        top = heapq.nlargest(settings.query_terms, vector.items(), key=itemgetter(1))
        # Posting lists hold live story ids only (a merge renames them), each id once.
        for term, weight in top:
            for sid in self._postings.get(term, ()):
                partial[sid] = get(sid, 0.0) + weight
        for key in item.quotes:
            for sid in self._quote_postings.get(key, ()):
                partial[sid] = get(sid, 0.0) + _QUOTE_HINT
        chosen = dict(heapq.nlargest(settings.candidates, partial.items(), key=itemgetter(1)))
        if embedding is not None:
            self._embedding_candidates(self._lsh(embedding), chosen)
        scored = []
        for sid in chosen:
            story = self._stories.get(sid)
            # An id left in a posting by an article that a split moved away before its old
            # story was merged: stale, passed over.
            score = self._score(item, vector, story, embedding) if story is not None else None
            if score is not None:
                scored.append((sid, score))
        scored.sort(key=lambda pair: (-pair[1], self._stories[pair[0]].founder))
        return scored

    def _score(
        self,
        item: StoryItem,
        vector: dict[int, float],
        story: _Story,
        embedding: np.ndarray | None = None,
    ) -> float | None:
        settings = self.settings
        if settings.link == "nearest":
            score = self._nearest_members(vector, story)
        else:
            centroid = story.centroid
            dot = sum(w * centroid.get(term, 0.0) for term, w in vector.items())
            if settings.link == "average":
                score = dot / len(story.members)
            else:
                score = dot / math.sqrt(story.norm2) if story.norm2 > 0 else 0.0
        if embedding is not None and story.embedding is not None:
            if settings.link == "nearest":
                similarity = self._nearest_embeddings(embedding, story)
            elif settings.link == "average":
                similarity = float(embedding @ story.embedding) / len(story.members)
            else:
                norm = float(np.linalg.norm(story.embedding)) or 1.0
                similarity = float(embedding @ story.embedding) / norm
            score = self._blend(score, similarity)
        gap = _gap(item.day, story.first_day, story.last_day)
        if gap is not None:
            if gap > settings.max_gap_days:
                return None
            score -= settings.time_penalty * min(gap / settings.time_scale_days, 1.0)
        if item.entities and story.entities:
            # Shared entities weighted by rarity: two stories that both name "Trump" share
            # little; two that name "Scalise" share a lot.
            weights = {key: self._entity_idf(key) for key in item.entities}
            shared = sum(w for key, w in weights.items() if key in story.entities)
            score += settings.entity_weight * shared / (sum(weights.values()) or 1.0)
        if item.quotes and not item.quotes.isdisjoint(story.quotes):
            score += settings.quote_weight
        return score

    def _nearest_members(self, vector: dict[int, float], story: _Story) -> float:
        # Mean cosine with the link_k most similar of the story's link_window latest members:
        # a story is judged by the articles it holds, not by a centroid that drifts towards
        # the words all its members share (a name, a place) as it grows, nor by an average
        # that a large story of varied articles dilutes. The window bounds the cost.
        settings = self.settings
        get = vector.get
        cosines = [
            sum(w * get(t, 0.0) for t, w in zip(self._terms[seq], self._weights[seq], strict=True))
            for seq in story.members[-settings.link_window :]
        ]
        k = min(settings.link_k, len(cosines))
        return sum(heapq.nlargest(k, cosines)) / k

    def _nearest_embeddings(self, embedding: np.ndarray, story: _Story) -> float:
        settings = self.settings
        rows = [self._embeddings[seq] for seq in story.members[-settings.link_window :]]
        present = [row for row in rows if row is not None]
        if not present:
            return 0.0
        cosines = np.stack(present) @ embedding
        k = min(settings.link_k, len(cosines))
        return float(np.sort(cosines)[-k:].mean())

    # --- placing, merging, splitting ----------------------------------------------------------

    def _place(
        self,
        item: StoryItem,
        vector: dict[int, float],
        decision: Decision,
        *,
        dirty: bool = True,
        embedding: np.ndarray | None = None,
    ) -> None:
        seq = len(self._story_of)
        self._seq[item.id] = seq
        self._story_of.append(decision.story)
        ordered = sorted(vector.items(), key=itemgetter(1), reverse=True)
        self._terms.append(array("i", [t for t, _ in ordered]))
        self._weights.append(array("f", [w for _, w in ordered]))
        self._extras.append((item.entities, item.quotes, item.day))
        self._embeddings.append(embedding)
        self._lsh_keys.append(self._lsh(embedding) if embedding is not None else _NO_KEYS)
        self._summaries.append(
            dataclasses.replace(
                item.summary, joined_by=decision.joined_by, score=round(decision.score, 4), seq=seq
            )
        )
        story = self._stories.get(decision.story)
        if story is None:
            story = self._stories[decision.story] = _Story(decision.story, founder=seq)
        self._join(story, seq)
        for term, _ in ordered[: self.settings.index_terms]:
            self._post(self._postings, term, story.id)
        for key in item.quotes:
            self._post(self._quote_postings, key, story.id)
        for key in self._lsh_keys[seq]:
            self._post(self._lsh_postings, key, story.id)
        if dirty:
            self._dirty.add(story.id)

    def _join(self, story: _Story, seq: int) -> None:
        centroid = story.centroid
        dot = 0.0
        for term, weight in zip(self._terms[seq], self._weights[seq], strict=True):
            old = centroid.get(term, 0.0)
            dot += old * weight
            centroid[term] = old + weight
        story.norm2 += 2.0 * dot + sum(w * w for w in self._weights[seq])
        story.members.append(seq)
        story.added_since_check += 1
        embedding = self._embeddings[seq]
        if embedding is not None:
            story.embedding = (
                embedding.copy() if story.embedding is None else story.embedding + embedding
            )
            self._recent.pop(story.id, None)
            self._recent[story.id] = None
            if len(self._recent) > 4 * max(self.settings.embedding_recent, 1):
                del self._recent[next(iter(self._recent))]
        entities, quotes, day = self._extras[seq]
        story.entities.update(entities)
        story.quotes.update(quotes)
        if day is not None:
            story.first_day = day if story.first_day is None else min(story.first_day, day)
            story.last_day = day if story.last_day is None else max(story.last_day, day)
        self._story_of[seq] = story.id

    def _post(self, postings: dict[int, dict[str, None]], key: int, sid: str) -> None:
        posting = postings.setdefault(key, {})
        posting.pop(sid, None)
        posting[sid] = None
        if len(posting) > self.settings.posting_cap:
            del posting[next(iter(posting))]

    def _rename(self, postings: dict[int, dict[str, None]], key: int, gone: str, keep: str) -> None:
        posting = postings.get(key)
        if posting is not None and gone in posting:
            del posting[gone]
            if keep not in posting:
                posting[keep] = None

    def _merge_linked(self, best: str, linked: Iterable[str]) -> str:
        survivor = best
        for other in linked:
            a, b = self._stories.get(survivor), self._stories.get(other)
            if a is None or b is None or a is b:
                continue
            similarity = self._blend(_cosine(a, b), _embedding_cosine(a, b))
            bar = self._blend(
                self.settings.merge_threshold, self.settings.embedding_merge_threshold
            )
            if similarity < bar:
                continue
            if _gap(a.first_day, b.first_day, b.last_day) is not None:
                gap = _gap(a.first_day, b.first_day, b.last_day) or 0
                if gap > self.settings.max_gap_days:
                    continue
            keep, gone = (a, b) if a.founder <= b.founder else (b, a)
            moved = list(gone.members)
            for seq in moved:
                self._join(keep, seq)
                self._summaries[seq] = dataclasses.replace(
                    self._summaries[seq], joined_by=StoryJoin.MERGE
                )
            del self._stories[gone.id]
            for seq in moved:
                for term in self._terms[seq][: self.settings.index_terms]:
                    self._rename(self._postings, term, gone.id, keep.id)
                for key in self._extras[seq][1]:
                    self._rename(self._quote_postings, key, gone.id, keep.id)
                for key in self._lsh_keys[seq]:
                    self._rename(self._lsh_postings, key, gone.id, keep.id)
            self._recent.pop(gone.id, None)
            self._removed.add(gone.id)
            self._dirty.discard(gone.id)
            self._dirty.add(keep.id)
            self._changes.append(
                StoryChange(
                    kind=StoryChangeKind.MERGE,
                    story=keep.id,
                    others=(gone.id,),
                    articles=tuple(self._summaries[s].id for s in moved),
                    score=round(similarity, 4),
                    seq=len(self._story_of) - 1,
                )
            )
            survivor = keep.id
        return survivor

    def _maybe_split(self, sid: str) -> None:
        settings = self.settings
        story = self._stories.get(sid)
        if story is None or story.added_since_check < settings.split_every:
            return
        story.added_since_check = 0
        if len(story.members) > settings.split_max_size or len(story.members) < 2:
            return
        members = sorted(story.members)
        matrix = self._dense(members)
        similarity = matrix @ matrix.T
        split_bar = settings.split_threshold
        rows_of = [self._embeddings[seq] for seq in members]
        if self.encoder is not None and all(row is not None for row in rows_of):
            vectors = np.stack([row for row in rows_of if row is not None])
            similarity = self._blend(1.0, 0.0) * similarity + settings.embedding_weight * (
                vectors @ vectors.T
            )
            split_bar = self._blend(split_bar, settings.embedding_split_threshold)
        groups = average_link_groups(similarity, split_bar)
        if len(set(groups)) < 2 or story.founder not in members:
            return
        by_group: dict[int, list[int]] = {}
        for seq, group in zip(members, groups, strict=True):
            by_group.setdefault(group, []).append(seq)
        kept = by_group.pop(groups[members.index(story.founder)])
        self._rebuild(story, kept)
        created = []
        moved: list[int] = []
        for seqs in sorted(by_group.values(), key=min):
            new_id = "s" + self._summaries[seqs[0]].id
            while new_id in self._stories:
                new_id += "'"
            new = self._stories[new_id] = _Story(new_id, founder=seqs[0])
            for seq in seqs:
                self._join(new, seq)
                self._summaries[seq] = dataclasses.replace(
                    self._summaries[seq], joined_by=StoryJoin.SPLIT
                )
                count = self.settings.index_terms
                for term in self._terms[seq][:count]:
                    self._post(self._postings, term, new_id)
                for key in self._extras[seq][1]:
                    self._post(self._quote_postings, key, new_id)
                for key in self._lsh_keys[seq]:
                    self._post(self._lsh_postings, key, new_id)
            new.added_since_check = 0
            created.append(new_id)
            moved.extend(seqs)
            self._dirty.add(new_id)
        self._dirty.add(story.id)
        rows = [members.index(s) for s in kept]
        others = [members.index(s) for s in moved]
        across = float((matrix[rows] @ matrix[others].T).mean()) if rows and others else 0.0
        self._changes.append(
            StoryChange(
                kind=StoryChangeKind.SPLIT,
                story=story.id,
                others=tuple(created),
                articles=tuple(self._summaries[s].id for s in moved),
                score=round(across, 4),
                seq=len(self._story_of) - 1,
            )
        )

    def _rebuild(self, story: _Story, seqs: list[int]) -> None:
        story.members = []
        story.centroid = {}
        story.norm2 = 0.0
        story.first_day = story.last_day = None
        story.entities = Counter()
        story.quotes = set()
        story.embedding = None
        for seq in seqs:
            self._join(story, seq)
        story.added_since_check = 0

    def _dense(self, seqs: list[int]) -> np.ndarray:
        columns: dict[int, int] = {}
        for seq in seqs:
            for term in self._terms[seq]:
                columns.setdefault(term, len(columns))
        matrix = np.zeros((len(seqs), len(columns)), dtype=np.float64)
        for row, seq in enumerate(seqs):
            for term, weight in zip(self._terms[seq], self._weights[seq], strict=True):
                matrix[row, columns[term]] = weight
        return matrix

    # --- records ------------------------------------------------------------------------------

    def _record(self, story: _Story) -> Story:
        members = [self._summaries[seq] for seq in sorted(story.members)]
        outlets: list[str] = []
        for member in members:
            credited = member.original_outlet or member.outlet
            if credited and credited not in outlets:
                outlets.append(credited)
        days = [m.published for m in members if m.published is not None]
        top = heapq.nlargest(self.settings.summary_terms, story.centroid.items(), key=itemgetter(1))
        founder = self._summaries[story.founder]
        return Story(
            id=story.id,
            title=founder.headline or next((m.headline for m in members if m.headline), ""),
            articles=tuple(members),
            outlets=tuple(outlets),
            first_published=min(days) if days else None,
            last_published=max(days) if days else None,
            terms=tuple(self._words[term] for term, _ in top),
        )


def average_link_groups(similarity: np.ndarray, threshold: float) -> list[int]:
    """Average-link agglomerative groups of a small similarity matrix, cut at ``threshold``.

    Returns:
        A group number per row; rows whose groups link at ``threshold`` or above share one.
    """
    n = similarity.shape[0]
    links = similarity.astype(np.float64, copy=True)
    np.fill_diagonal(links, -np.inf)
    sizes = np.ones(n)
    group = list(range(n))
    for _ in range(n - 1):
        flat = int(np.argmax(links))
        i, j = divmod(flat, n)
        if links[i, j] < threshold:
            break
        merged = (links[i] * sizes[i] + links[j] * sizes[j]) / (sizes[i] + sizes[j])
        links[i], links[:, i] = merged, merged
        links[i, i] = -np.inf
        links[j], links[:, j] = -np.inf, -np.inf
        sizes[i] += sizes[j]
        group = [i if g == j else g for g in group]
    return group


def _gap(day: int | None, first: int | None, last: int | None) -> int | None:
    if day is None or first is None or last is None:
        return None
    return max(0, first - day, day - last)


# 3: features of issue 8 (numbers with separators, runs of quoted words); a state saved with
# the features of before is rebuilt by replaying the stored articles.
_SNAPSHOT_FORMAT = 3
# The LSH keys of an article without an embedding (one shared, never changed, object).
_NO_KEYS: array[int] = array("q")


def _summary_row(s: StoryArticle) -> list[object]:
    published = s.published.isoformat() if s.published else None
    head = [s.id, s.url, s.source, s.outlet, s.original_outlet, s.headline, published]
    return [*head, s.joined_by.value, s.score, s.seq]


def _summary_of_row(row: list[Any]) -> StoryArticle:
    return StoryArticle(
        id=row[0],
        url=row[1],
        source=row[2],
        outlet=row[3],
        original_outlet=row[4],
        headline=row[5],
        published=dt.date.fromisoformat(row[6]) if row[6] else None,
        joined_by=StoryJoin(row[7]),
        score=row[8],
        seq=row[9],
    )


def _pack_array(values: array[Any]) -> str:
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack_array(kind: str, text: str) -> array[Any]:
    values = array(kind)
    values.frombytes(base64.b64decode(text))
    return values


def _b64(vector: np.ndarray | None) -> str | None:
    if vector is None:
        return None
    return base64.b64encode(np.asarray(vector, dtype=np.float32).tobytes()).decode("ascii")


def _unb64(text: str | None) -> np.ndarray | None:
    if text is None:
        return None
    return np.frombuffer(base64.b64decode(text), dtype=np.float32).copy()


def _text(item: StoryItem) -> str:
    return item.text or item.summary.headline or ""


def _embedding_cosine(a: _Story, b: _Story) -> float:
    if a.embedding is None or b.embedding is None:
        return 0.0
    denominator = float(np.linalg.norm(a.embedding) * np.linalg.norm(b.embedding))
    return float(a.embedding @ b.embedding) / denominator if denominator > 0 else 0.0


def _cosine(a: _Story, b: _Story) -> float:
    small, large = (a, b) if len(a.centroid) <= len(b.centroid) else (b, a)
    dot = sum(w * large.centroid.get(term, 0.0) for term, w in small.centroid.items())
    denominator = math.sqrt(a.norm2 * b.norm2)
    return dot / denominator if denominator > 0 else 0.0
