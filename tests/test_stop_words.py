"""One stop-word list (issue 11): the analysis flags its words, stories leave them out too."""

from __future__ import annotations

from newsprism.analyze.tokens import is_stop, text_tokens
from newsprism.datafile import read_word_list, stop_words
from newsprism.stories.features import stopwords, terms


def test_issue11_stories_derive_their_stop_words_from_the_one_list() -> None:
    news_words = frozenset(read_word_list("story_stopwords.txt"))
    assert stopwords() == stop_words() | news_words
    # The news words are not on the one list: compare still aligns "said" with "told".
    assert not news_words & stop_words()
    assert not is_stop("said") and "said" not in terms("Lavrov said Mr Blinken called")
    assert terms("Lavrov said Mr Blinken called") == ["lavrov", "blinken", "called"]


def test_stop_flags_follow_the_list_possessives_included() -> None:
    text = "Mr. Lavrov’s aides said they’d call again"
    flags = {text[t.start : t.end]: t.stop for t in text_tokens(text)}
    assert flags == {"Mr": True, "Lavrov’s": False, "aides": False, "said": False,
                     "they’d": False, "call": True, "again": True}
