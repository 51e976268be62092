"""Issue 8: wire copies credit the outlet that wrote them (original_outlet), with evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.api import extract_report
from newsprism.extract.credits import find_wire_credits
from newsprism.model import Article

# Written for these tests.
_REST = (
    "The company said the recall covered about 40,000 vehicles built over two years and that it"
    " knew of no crashes or injuries linked to the fault.",
    "Owners will be told by mail in June, and dealers will replace the part free of charge, the"
    " company said in a filing with federal safety regulators.",
    "Shares of the company were little changed in morning trading after falling three percent"
    " over the previous week.",
)


def _text(
    tmp_path: Path, first: str, *, last: str | None = None, url: str | None = None
) -> Article:
    paragraphs = [first, *_REST] + ([last] if last else [])
    record: dict[str, str] = {"text": "\n\n".join(paragraphs)}
    if url:
        record["url"] = url
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    articles, skipped = extract_report(path)
    assert skipped == []
    return articles[0]


@pytest.mark.parametrize(
    ("opening", "outlet", "evidence"),
    [
        (
            "NEW YORK (Reuters) – A carmaker recalled thousands of pickup trucks on Tuesday.",
            "Reuters",
            "NEW YORK (Reuters) –",
        ),
        (
            "WASHINGTON (AP) — A carmaker recalled thousands of pickup trucks on Tuesday.",
            "Associated Press",
            "WASHINGTON (AP) —",
        ),
        (
            "PARIS, April 17 (AFP) - A carmaker recalled thousands of pickup trucks on Tuesday.",
            "Agence France-Presse",
            "PARIS, April 17 (AFP) -",
        ),
        (
            "DETROIT (Reuters) A carmaker recalled thousands of pickup trucks on Tuesday.",
            "Reuters",
            "DETROIT (Reuters)",
        ),
    ],
)
def test_issue8_datelines_with_any_dash_or_none_credit_the_wire(
    tmp_path: Path, opening: str, outlet: str, evidence: str
) -> None:
    article = _text(tmp_path, opening, url="https://www.riverside-ledger.com/business/recall")
    assert article.outlet is not None and article.outlet.name == "riverside-ledger.com"
    original = article.original_outlet
    assert original is not None and original.name == outlet
    assert original.found_by == "dateline" and original.evidence == evidence


def test_a_wires_own_page_has_no_other_original(tmp_path: Path) -> None:
    article = _text(
        tmp_path,
        "NEW YORK (Reuters) – A carmaker recalled thousands of pickup trucks on Tuesday.",
        url="https://www.reuters.com/business/autos/recall-idUSKBN1HO2AB",
    )
    assert article.outlet is not None and article.outlet.name == "Reuters"
    assert article.original_outlet is None


def test_a_sign_off_credits_the_wire(tmp_path: Path) -> None:
    article = _text(
        tmp_path,
        "A carmaker recalled thousands of pickup trucks on Tuesday.",
        last="The recall is the company's third this year. — AP",
    )
    original = article.original_outlet
    assert original is not None and original.name == "Associated Press"
    assert original.found_by == "sign-off" and original.evidence == "— AP"


def test_a_wire_named_as_a_source_is_not_the_author(tmp_path: Path) -> None:
    article = _text(
        tmp_path,
        "A carmaker recalled thousands of pickup trucks, a spokesman told Reuters (Reuters) on"
        " Tuesday, according to AP.",
        url="https://www.riverside-ledger.com/business/recall",
    )
    assert article.original_outlet is None


def test_a_byline_naming_a_wire_credits_it(tmp_path: Path) -> None:
    article = _text(tmp_path, "By Dana Whitfield | Reuters")
    original = article.original_outlet
    assert original is not None and original.name == "Reuters" and original.found_by == "byline"


@pytest.mark.parametrize(
    ("notice", "outlet"),
    [
        ("This story was originally published by ProPublica.", "ProPublica"),
        (
            "This article is republished from The Conversation under a Creative Commons license.",
            "The Conversation",
        ),
        # A notice says outright who wrote the story: an outlet the directory does not know.
        ("This story first appeared in The Riverside Ledger.", "The Riverside Ledger"),
    ],
)
def test_issue8_republication_notices_credit_the_original(
    tmp_path: Path, notice: str, outlet: str
) -> None:
    article = _text(
        tmp_path,
        "A carmaker recalled thousands of pickup trucks on Tuesday.",
        last=notice,
        url="https://www.hillcrest-courier.com/news/recall",
    )
    original = article.original_outlet
    assert original is not None and original.name == outlet
    assert original.found_by == "origin-line" and original.evidence == notice


def _html(author: dict[str, str]) -> str:
    ld = {"@type": "NewsArticle", "headline": "Carmaker recalls pickup trucks", "author": author}
    return (
        '<html lang="en"><head><meta charset="utf-8"><title>Carmaker recalls pickup trucks</title>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head><body><article>'
        "<h1>Carmaker recalls pickup trucks</h1>"
        + "".join(f"<p>{p}</p>" for p in ("A carmaker recalled trucks on Tuesday.", *_REST))
        + "</article></body></html>"
    )


def test_issue8_a_jsonld_author_that_is_a_wire_credits_it(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    record = {
        "html": _html({"@type": "Organization", "name": "Reuters"}),
        "url": "https://www.hillcrest-courier.com/news/recall",
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (article,), _ = extract_report(path)
    original = article.original_outlet
    assert original is not None and original.name == "Reuters"
    assert original.found_by == "jsonld-author"


def test_a_jsonld_author_who_is_a_person_credits_no_outlet(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    record = {
        "html": _html({"@type": "Person", "name": "Dana Whitfield"}),
        "url": "https://www.hillcrest-courier.com/news/recall",
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (article,), _ = extract_report(path)
    assert article.original_outlet is None
    assert article.authors == ("Dana Whitfield",)


def test_wire_credit_offsets_point_at_the_credit() -> None:
    paragraphs = ("WASHINGTON (AP) — The Senate voted.", "More text.", "It passed. — Reuters")
    dateline, sign_off = find_wire_credits(paragraphs)
    assert paragraphs[0][dateline.start : dateline.end].strip() == "WASHINGTON (AP) —"
    assert (dateline.kind, dateline.outlet, dateline.paragraph) == ("dateline", "AP", 0)
    assert paragraphs[2][sign_off.start : sign_off.end] == "— Reuters"
    assert (sign_off.kind, sign_off.outlet, sign_off.paragraph) == ("sign-off", "Reuters", 2)


def test_an_aggregators_copy_credits_the_publisher_the_page_names(tmp_path: Path) -> None:
    html = _html({"@type": "Person", "name": "Dana Whitfield"}).replace(
        '"author":', '"publisher": {"@type": "Organization", "name": "CNN"}, "author":'
    )
    path = tmp_path / "records.jsonl"
    record = {"html": html, "url": "https://www.msn.com/en-us/news/us/recall/ar-AA1"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (article,), _ = extract_report(path)
    assert article.outlet is not None and article.outlet.name == "MSN"
    original = article.original_outlet
    assert original is not None and original.name == "CNN"
    assert original.found_by == "page-publisher"
    assert original.evidence == "jsonld:publisher.name: CNN"


def test_issue8_a_byline_that_is_only_an_agency_credits_it(tmp_path: Path) -> None:
    article = _text(tmp_path, "Carmaker recalls pickup trucks\n\nAssociated Press")
    original = article.original_outlet
    assert original is not None and original.name == "Associated Press"
    assert original.found_by == "byline" and original.evidence == "Associated Press"


def test_a_first_published_date_is_not_an_outlet(tmp_path: Path) -> None:
    article = _text(
        tmp_path,
        "A carmaker recalled thousands of pickup trucks on Tuesday.",
        last="First published on November 19, 2019 / 8:16 AM",
    )
    assert article.original_outlet is None
