"""One stop-word list (issue 11): the analysis flags its words, stories derive theirs from it."""

from __future__ import annotations

from newsprism.analyze.tokens import is_stop, text_tokens
from newsprism.datafile import read_word_changes, stop_words
from newsprism.stories.features import stopwords, terms


def test_issue11_stories_derive_their_stop_words_from_the_one_list() -> None:
    added, removed = read_word_changes("story_stopwords.txt")
    assert stopwords() == (stop_words() - removed) | added
    # Every change is a change: a removed word is on the list, an added one is not.
    assert removed <= stop_words() and not added & stop_words()
    # "said" is a content word to compare (aligned with "told"), no story term.
    assert not is_stop("said") and "said" in stopwords()
    assert terms("Mr Lavrov said he would call Blinken") == ["mr", "lavrov", "call", "blinken"]


def test_stop_flags_follow_the_list_possessives_included() -> None:
    text = "Mr. Lavrov’s aides said they would call again"
    flags = {text[t.start : t.end]: t.stop for t in text_tokens(text)}
    assert flags == {"Mr": True, "Lavrov’s": False, "aides": False, "said": False,
                     "they": True, "would": True, "call": True, "again": True}
