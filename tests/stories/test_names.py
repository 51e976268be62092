"""Issue 9: when two name forms can be one person, and organisation keys."""

from __future__ import annotations

import pytest

from newsprism.stories.names import (
    Nicknames,
    acronym_of,
    load_nicknames,
    org_key,
    parse_person_name,
    same_person,
)


@pytest.fixture(scope="module")
def nicknames() -> Nicknames:
    return load_nicknames()


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Hillary Rodham Clinton", "Hillary Clinton", True),
        ("Hillary Clinton", "Bill Clinton", False),
        ("Bill Clinton", "William J. Clinton", True),
        ("Jim Mattis", "James Mattis", True),
        ("James “Mad Dog” Mattis", "Jim Mattis", True),
        ("Donald J. Trump", "Donald Trump", True),
        ("Donald J. Trump", "Donald John Trump", True),
        ("Trump", "Donald Trump", True),
        ("George W. Bush", "George H.W. Bush", False),
        ("Jeb Bush", "George W. Bush", False),
        ("Joseph R. Biden Jr.", "Joe Biden", True),
        ("Martin Luther King Jr.", "Martin Luther King Sr.", False),
        ("J. Christopher Stevens", "Chris Stevens", True),
        ("Chris Van Hollen", "Van Hollen", True),
        ("Ben Jealous", "Benjamin Todd Jealous", True),
        # A two-word surname without a hyphen (NYT's "Ms. Wasserman Schultz").
        ("Ms. Wasserman Schultz", "Debbie Wasserman Schultz", True),
        ("W. Bush", "George H.W. Bush", False),
        # One letter inserted inside a given name (Fox's "Vincente Fox"), not a changed one or
        # one at an end.
        ("Vincente Fox", "Vicente Fox", True),
        ("Mark Kelly", "Marc Kelly", False),
        ("Michaela Smith", "Michael Smith", False),
    ],
)
def test_issue9_same_person(nicknames: Nicknames, first: str, second: str, same: bool) -> None:
    a, b = parse_person_name(first), parse_person_name(second)
    assert a is not None and b is not None
    assert same_person(a, b, nicknames) is same
    assert same_person(b, a, nicknames) is same


def test_issue9_a_generational_marker_apart_when_the_text_says_so(nicknames: Nicknames) -> None:
    father, son = parse_person_name("Donald Trump"), parse_person_name("Donald Trump Jr.")
    assert father is not None and son is not None
    assert same_person(father, son, nicknames)
    assert not same_person(father, son, nicknames, strict_suffix=True)


def test_issue9_nicknames_are_not_chained(nicknames: Nicknames) -> None:
    # "Bill" is listed under both William and Robert; that does not make them one name.
    assert nicknames.same("bill", "william") and nicknames.same("bill", "robert")
    assert not nicknames.same("william", "robert")


def test_issue9_organisation_keys() -> None:
    assert org_key("Pueblo Sin Fronteras") == org_key("Pueblos Sin Fronteras")
    assert org_key("the U.S. State Department") == org_key("US State Department")
    assert org_key("Fox News") != org_key("Fox")
    assert acronym_of("Immigration and Customs Enforcement") == "ICE"
    assert acronym_of("Pentagon") is None
