"""Readable labels of time values (issue 9): the report shows them, the JSON keeps ISO 8601."""

from __future__ import annotations

import pytest

from newsprism.compare import CompareRules
from newsprism.compare.timeline import readable_time
from newsprism.model import StoryComparison


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("2022-07-29", "29 July 2022"),
        ("2022-06", "June 2022"),
        ("2018-22", "summer 2018"),
        ("2018-24", "winter 2018-19"),
        ("2022-02-21/2022-02-28", "late February 2022"),
        ("2022-06/2022-07-29", "June - 29 July 2022"),
        ("2022-07-25/2022-07-31", "25 - 31 July 2022"),
        ("2021-01/2021-04", "early 2021"),
        ("../2021-07-29", "before 29 July 2021"),
        ("2021-07-29/..", "from 29 July 2021"),
        ("1990/1999", "the 1990s"),
        ("P12Y", "12 years"),
        ("PT25M", "25 minutes"),
    ],
)
def test_readable_time(value: str, label: str, compare_rules: CompareRules) -> None:
    assert readable_time(value, compare_rules.times) == label


def test_timeline_carries_labels_beside_iso(sample_comparison: StoryComparison) -> None:
    by_value = {e.value: e.label for e in sample_comparison.timeline if e.value}
    assert by_value["2022-02-21/2022-02-28"] == "late February 2022"
    assert by_value["2022-06/2022-07-29"] == "June - 29 July 2022"
    for event in sample_comparison.timeline:
        assert (event.value is None) == (event.label == "")
        assert "/" not in event.label and ".." not in event.label
