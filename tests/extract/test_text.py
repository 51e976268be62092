"""Plain-text extraction on the sample corpus and on benchmark pages rendered to plain text."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from newsprism.config import ExtractSettings, load_settings
from newsprism.errors import ConfigError, NoArticleError
from newsprism.extract.text import (
    LineClass,
    classify_lines,
    extract_text,
    line_evidence,
    load_text_rules,
)
from newsprism.ingest.outlets import OutletDirectory, load_outlets
from newsprism.model import (
    Article,
    BoilerplateKind,
    Confidence,
    MediaType,
    Outlet,
    RawDocument,
    Source,
    SourceKind,
)
from tests.conftest import BENCHDATA, CNN_SAMPLE, REPO_ROOT, RT_SAMPLE

PAGE_CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "cases" / "text_pages.json").read_text("utf-8")
)["pages"]
# Pages of each benchmark scored by the generalisation tests (dev half, in id order).
AEB_PAGES = 40
TRAF_PAGES = 60
# Floors for those pages; the benchmark (bench/text_lines.py) reports the full data sets.
AEB_WORDS_F1_FLOOR = 0.88
TRAF_SEGMENTS_F1_FLOOR = 0.78

# Every furniture line of the KION 46 copy of CNN's story, with the kind it must be removed as.
CNN_FURNITURE = {
    "Skip to Content": BoilerplateKind.NAVIGATION,
    "By Jennifer Hansler, CNN": BoilerplateKind.BYLINE,
    "The-CNN-Wire": BoilerplateKind.WIRE,
    "™ & © 2022 Cable News Network, Inc., a WarnerMedia Company. All rights reserved.": (
        BoilerplateKind.COPYRIGHT
    ),
    "CNN’s Evgenii Shapovalov, Uliana Pavlova and Jorge Engels contributed reporting.": (
        BoilerplateKind.CONTRIBUTORS
    ),
    "Article Topic Follows: CNN - Politics": BoilerplateKind.TOPIC,
    "Jump to comments ↓": BoilerplateKind.COMMENTS,
    "CNN Newsource": BoilerplateKind.WIRE,
    "BE PART OF THE CONVERSATION": BoilerplateKind.COMMENTS,
    "KION 46 is committed to providing a forum for civil and constructive conversation.": (
        BoilerplateKind.COMMENTS
    ),
    "Please keep your comments respectful and relevant. You can review our Community "
    "Guidelines by clicking here": BoilerplateKind.COMMENTS,
    "If you would like to share a story idea, please submit it here.": BoilerplateKind.PROMO,
    "Skip to content": BoilerplateKind.NAVIGATION,
}


@pytest.fixture(scope="module")
def settings() -> ExtractSettings:
    return load_settings().extract


@pytest.fixture(scope="module")
def outlets() -> OutletDirectory:
    return load_outlets()


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/text_lines.py: its renderer and scorers are what these tests check against."""
    path = REPO_ROOT / "bench" / "text_lines.py"
    spec = importlib.util.spec_from_file_location("bench_text_lines", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _doc(content: str, *, name: str, outlet: Outlet | None = None, **extra: Any) -> RawDocument:
    return RawDocument(
        id=name,
        source=Source(SourceKind.FILE, name),
        media_type=MediaType.TEXT,
        content=content,
        outlet=outlet,
        **extra,
    )


@pytest.fixture(scope="module")
def rt(settings: ExtractSettings, outlets: OutletDirectory) -> tuple[RawDocument, Article]:
    doc = _doc(RT_SAMPLE.read_text("utf-8"), name="rt", outlet=Outlet("RT", "rt.com"))
    return doc, extract_text(doc, settings=settings, outlets=outlets)


@pytest.fixture(scope="module")
def cnn(settings: ExtractSettings, outlets: OutletDirectory) -> tuple[RawDocument, Article]:
    doc = _doc(CNN_SAMPLE.read_text("utf-8"), name="cnn")
    return doc, extract_text(doc, settings=settings, outlets=outlets)


# --- the RT sample --------------------------------------------------------------------------


def test_rt_headline_is_the_first_line(rt: tuple[RawDocument, Article]) -> None:
    _, article = rt
    assert article.headline == (
        "Moscow has failed to negotiate seriously, White House Press Secretary "
        "Karine Jean-Pierre has claimed"
    )
    assert article.standfirst is None


def test_rt_caption_and_credit_are_set_apart(rt: tuple[RawDocument, Article]) -> None:
    doc, article = rt
    (caption,) = article.captions
    assert caption.credit == "Samuel Corum / Getty Images / AFP"
    assert caption.text.startswith("White House Press Secretary Karine Jean-Pierre speaks")
    assert caption.text.endswith("on November 7, 2022.")
    assert caption.span is not None
    assert doc.content[caption.span.start : caption.span.end] == caption.span.text
    assert "Getty" not in article.body and "Samuel Corum" not in article.body
    assert "daily press briefing at the White House on November 7" not in article.body


def test_rt_body(rt: tuple[RawDocument, Article]) -> None:
    _, article = rt
    assert len(article.paragraphs) == 8
    assert article.paragraphs[0].text.startswith("The White House has accused Russia")
    assert article.paragraphs[-1].text.startswith("In late April, Moscow and Washington")
    assert article.paragraphs[-1].text.endswith("assaulting a police officer in Moscow.")
    assert "Read more" not in article.body
    read_more = [r for r in article.removed if r.text == "Read more"]
    assert [r.kind for r in read_more] == [BoilerplateKind.READ_MORE]


def test_rt_outlet_from_caller_no_date_invented(rt: tuple[RawDocument, Article]) -> None:
    _, article = rt
    assert article.outlet is not None and article.outlet.name == "RT"
    assert article.original_outlet is None  # "CNN reported" in the body names a source
    assert article.published is None  # the caption's "November 7, 2022" is a photo date
    assert article.authors == ()


# --- the CNN story as syndicated by KION 46 ---------------------------------------------------


def test_cnn_headline_after_skip_link(cnn: tuple[RawDocument, Article]) -> None:
    _, article = cnn
    assert article.headline == (
        "Blinken says he had ‘frank’ discussion with Russian foreign minister in first call "
        "since Ukraine war began"
    )


@pytest.mark.parametrize("line", sorted(CNN_FURNITURE))
def test_cnn_furniture_removed_with_its_kind(cnn: tuple[RawDocument, Article], line: str) -> None:
    doc, article = cnn
    assert line not in article.body
    (removed,) = [r for r in article.removed if r.text == line]
    assert removed.kind is CNN_FURNITURE[line]
    assert removed.rule
    assert removed.span is not None
    assert doc.content[removed.span.start : removed.span.end] == line


def test_cnn_body_paragraphs(cnn: tuple[RawDocument, Article]) -> None:
    _, article = cnn
    assert article.paragraphs[0].text.startswith(
        "US Secretary of State Antony Blinken spoke with Russian Foreign Minister Sergey Lavrov"
    )
    assert article.paragraphs[-1].text.startswith("Prior to the call between Blinken and Lavrov")
    assert len(article.paragraphs) == 15
    for span in article.paragraphs:
        assert article.body[span.start : span.end] == span.text
    assert article.body == "\n\n".join(span.text for span in article.paragraphs)


def test_cnn_people(cnn: tuple[RawDocument, Article]) -> None:
    _, article = cnn
    assert article.authors == ("Jennifer Hansler",)
    assert article.contributors == ("Evgenii Shapovalov", "Uliana Pavlova", "Jorge Engels")


def test_cnn_syndication(cnn: tuple[RawDocument, Article]) -> None:
    _, article = cnn
    assert article.outlet is not None and article.original_outlet is not None
    assert (article.outlet.name, article.outlet.found_by) == ("KION 46", "outlets.toml:pattern")
    assert (article.original_outlet.name, article.original_outlet.found_by) == ("CNN", "byline")
    assert article.published is None


def test_caller_outlet_wins(settings: ExtractSettings, outlets: OutletDirectory) -> None:
    doc = _doc(CNN_SAMPLE.read_text("utf-8"), name="cnn", outlet=Outlet("KION", found_by="flag"))
    article = extract_text(doc, settings=settings, outlets=outlets)
    # The caller's name, as the outlet directory writes it.
    assert article.outlet == Outlet(
        "KION 46", domain="kion546.com", found_by="flag", evidence="KION"
    )
    assert article.original_outlet is not None and article.original_outlet.name == "CNN"


@pytest.mark.parametrize("sample", ["rt", "cnn"])
def test_nothing_is_dropped_silently(sample: str, request: pytest.FixtureRequest) -> None:
    doc, article = request.getfixturevalue(sample)
    accounted = sorted(
        [(r.span.start, r.span.end) for r in article.removed if r.span]
        + [(c.span.start, c.span.end) for c in article.captions if c.span]
    )
    kept = [p.text for p in article.paragraphs]
    lines = [line.strip() for line in doc.content.splitlines() if line.strip()]
    assert len(accounted) + len(kept) == len(lines)
    for start, end in accounted:
        assert doc.content[start:end] in lines


# --- clean input, empty input, bad rules -------------------------------------------------------


def test_clean_text_loses_nothing(
    cnn: tuple[RawDocument, Article], settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    _, article = cnn
    again = extract_text(_doc(article.body, name="clean"), settings=settings, outlets=outlets)
    assert again.body == article.body
    assert again.removed == () and again.captions == ()
    assert again.headline is None


def test_clean_text_with_its_headline(
    rt: tuple[RawDocument, Article], settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    _, article = rt
    assert article.headline is not None
    text = article.headline + "\n" + "\n".join(p.text for p in article.paragraphs)
    again = extract_text(_doc(text, name="clean"), settings=settings, outlets=outlets)
    assert again.headline == article.headline
    assert again.body == article.body
    assert [r.kind for r in again.removed] == [BoilerplateKind.HEADLINE]


def test_title_from_the_container_picks_the_headline(
    settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    content = CNN_SAMPLE.read_text("utf-8")
    labels = classify_lines(
        content,
        settings=settings,
        outlets=outlets,
        title="Blinken says he had 'frank' discussion with Russian foreign minister",
    )
    (headline,) = [lb for lb in labels if lb.cls is LineClass.HEADLINE]
    assert headline.line.text.startswith("Blinken says he had")
    assert headline.rule == "text:title-match"


def test_only_furniture_is_no_article(settings: ExtractSettings, outlets: OutletDirectory) -> None:
    furniture = "\n\n".join(CNN_FURNITURE)
    with pytest.raises(NoArticleError) as raised:
        extract_text(_doc(furniture, name="tail.txt"), settings=settings, outlets=outlets)
    assert "tail.txt" in str(raised.value) and "[E105]" in str(raised.value)


def test_an_updated_line_is_removed_never_a_date(
    settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    lines = CNN_SAMPLE.read_text("utf-8").splitlines()
    # A date line as a scrape of ctpost.com shows it, under the byline.
    lines.insert(5, "Updated 1:39 am EST, Wednesday, November 20, 2019")
    article = extract_text(_doc("\n".join(lines), name="d"), settings=settings, outlets=outlets)
    dated = [r for r in article.removed if r.kind is BoilerplateKind.DATELINE]
    assert [r.text for r in dated] == ["Updated 1:39 am EST, Wednesday, November 20, 2019"]
    assert article.published is None


def test_a_broken_marker_names_file_and_line(tmp_path: Path) -> None:
    packaged = REPO_ROOT / "src/newsprism/data/boilerplate.toml"
    text = packaged.read_text("utf-8").replace('kind = "topic"', 'kind = "topics"', 1)
    broken = tmp_path / "rules.toml"
    broken.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_text_rules(broken)
    marker_lines = [i for i, t in enumerate(text.splitlines(), 1) if t == "[[marker]]"]
    topic_line = next(i for i, t in enumerate(text.splitlines(), 1) if t == 'kind = "topics"')
    header = max(i for i in marker_lines if i < topic_line)
    assert f"rules.toml:{header}" in str(raised.value)
    assert "'topics'" in str(raised.value)


# --- other outlets: benchmark pages rendered to plain text ------------------------------------


@pytest.mark.parametrize("case", PAGE_CASES, ids=[c["id"] for c in PAGE_CASES])
def test_rendered_news_page(
    case: dict[str, Any],
    bench: ModuleType,
    settings: ExtractSettings,
    outlets: OutletDirectory,
) -> None:
    folder = BENCHDATA / "article-extraction-benchmark"
    (path,) = (folder / "html").glob(f"{case['id']}*.html.gz")
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    url = truth[path.name.removesuffix(".html.gz")]["url"]
    text = bench.render_text(gzip.decompress(path.read_bytes()))
    article = extract_text(_doc(text, name=case["id"], url=url), settings=settings, outlets=outlets)
    assert article.headline == case["headline"]
    assert list(article.authors) == case["authors"]
    assert list(article.contributors) == case["contributors"]
    assert article.paragraphs[0].text.startswith(case["first_paragraph"])
    assert (article.outlet.name if article.outlet else None) == case["outlet"]
    original = article.original_outlet
    assert (original.name if original else None) == case["original_outlet"]
    captions = [(c.text, c.credit) for c in article.captions]
    for caption, credit in case["captions"]:
        assert (caption, credit) in captions
    removed = {(r.text, r.kind.value) for r in article.removed}
    for line, kind in case["removed"]:
        assert (line, kind) in removed
        assert line not in article.body.splitlines()


def test_news_pages_beat_the_word_count_baseline(
    bench: ModuleType, settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    folder = BENCHDATA / "article-extraction-benchmark"
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    pages = [bench.Page("aeb", key, "", truth=truth[key]["articleBody"]) for key in sorted(truth)]
    ours, baselines = bench.Counts(), {n: bench.Counts() for n in bench.BASELINE_WORDS}
    for page in [p for p in pages if p.half == "dev"][:AEB_PAGES]:
        markup = gzip.decompress((folder / "html" / f"{page.id}.html.gz").read_bytes())
        labels = classify_lines(bench.render_text(markup), settings=settings, outlets=outlets)
        lines = [label.line.text for label in labels]
        gold = bench.aeb_line_labels(lines, page.truth)
        weights = [len(line.split()) for line in lines]
        ours.add_lines(gold, [lb.cls is LineClass.BODY for lb in labels], weights)
        for n, counts in baselines.items():
            counts.add_lines(gold, [len(line.split()) > n for line in lines], weights)
    f1 = bench.score_counts(ours)["words.f1"]
    best_baseline = max(bench.score_counts(c)["words.f1"] for c in baselines.values())
    assert f1 >= AEB_WORDS_F1_FLOOR
    assert f1 > best_baseline


def test_trafilatura_eval_segments(
    bench: ModuleType, settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    folder = BENCHDATA / "trafilatura-eval"
    evaldata = json.loads((folder / "evaldata.json").read_text("utf-8"))
    counts = bench.Counts()
    chosen = [url for url in sorted(evaldata) if bench.Page("traf", url, "").half == "dev"]
    for url in chosen[:TRAF_PAGES]:
        entry = evaldata[url]
        path = folder / "cache" / f"{entry['file']}.gz"
        if not path.exists():
            path = folder / "eval" / f"{entry['file']}.gz"
        text = bench.render_text(gzip.decompress(path.read_bytes()))
        labels = classify_lines(text, settings=settings, outlets=outlets)
        body = "\n".join(lb.line.text for lb in labels if lb.cls is LineClass.BODY)
        for i, value in enumerate(bench.segment_counts(body, entry["with"], entry["without"])):
            counts.seg[i] += value
    assert bench.score_counts(counts)["segments.f1"] >= TRAF_SEGMENTS_F1_FLOOR


def test_a_kicker_headline_is_the_headline_not_a_related_link(
    settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    # "OPINION: ..." is a related-link marker inside an article; above the body, naming what
    # the body is about, it is the article's own headline under a section kicker.
    text = (Path(__file__).parents[1] / "compare" / "cases" / "sentencing" / "c_post.txt"
            ).read_text("utf-8")
    article = extract_text(_doc(text, name="post"), settings=settings, outlets=outlets)
    assert article.headline == (
        "OPINION: Harlan County deserved better than a treasurer who stole from flood victims"
    )
    assert article.body.startswith("The sentence handed down on Tuesday")
    # The same line inside a body stays a related link, left out of the body.
    inside = ("Ex-treasurer sentenced in relief fraud case\n\n"
              "Margaret Okafor was sentenced on Tuesday to six years in prison for taking "
              "flood relief money, a judge in Lexington ruled.\n\n"
              "OPINION: Harlan County deserved better than a treasurer who stole\n\n"
              "The county will hold a public meeting on the missing funds next Monday, "
              "officials said on Tuesday.\n")
    article = extract_text(_doc(inside, name="news"), settings=settings, outlets=outlets)
    assert article.headline == "Ex-treasurer sentenced in relief fraud case"
    assert "OPINION" not in article.body
    assert any(r.text.startswith("OPINION:") for r in article.removed)


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Published Tuesday, 14 March 2023", dt.date(2023, 3, 14)),
        ("July 29, 2022 | 4:05 PM", dt.date(2022, 7, 29)),
        ("Posted: 2022-07-29 16:05", dt.date(2022, 7, 29)),
    ],
)
def test_a_date_line_under_the_headline_is_the_publication_day(
    settings: ExtractSettings, outlets: OutletDirectory, line: str, day: dt.date
) -> None:
    lines = CNN_SAMPLE.read_text("utf-8").splitlines()
    assert lines[4].startswith("By Jennifer Hansler")
    lines.insert(5, line)
    article = extract_text(_doc("\n".join(lines), name="d"), settings=settings, outlets=outlets)
    assert article.published == day
    assert article.published_from == "text" and article.published_evidence == line
    assert article.published_confidence is Confidence.MEDIUM


def test_a_date_in_a_caption_or_the_body_is_not_the_publication_day(
    settings: ExtractSettings, outlets: OutletDirectory
) -> None:
    # RT's scrape: its photo caption dates the photo (November 7, 2022), not the July article.
    article = extract_text(_doc(RT_SAMPLE.read_text("utf-8"), name="rt"), settings=settings,
                           outlets=outlets)
    assert "November 7, 2022" in article.captions[0].text
    assert article.published is None
    lines = CNN_SAMPLE.read_text("utf-8").splitlines()
    # A date line below the first paragraph is the body's business (a timeline), not a stamp.
    assert lines[6].startswith("US Secretary of State")
    lines.insert(8, "March 15, 2023")
    article = extract_text(_doc("\n".join(lines), name="d"), settings=settings, outlets=outlets)
    assert article.published is None


@pytest.mark.parametrize(
    ("line", "menu"),
    [
        ("Home  News  Opinion  Sport", True),
        ("THE SENTINEL   Sections   Subscribe", True),
        ("World\tBusiness\tMarkets", True),
        # A sentence's words, and a headline, stand one space apart.
        ("Home secretary says  news of the  opinion poll is wrong", False),
        ("Serbian police detain dozens as protesters clash with officers", False),
    ],
)
def test_a_menu_flattened_by_the_scrape_is_navigation(line: str, menu: bool) -> None:
    # Written for this test: a menu bar above a headline was taken for the headline.
    found = line_evidence(line)
    assert (found is not None and found.kind is BoilerplateKind.NAVIGATION) == menu
    lines = CNN_SAMPLE.read_text("utf-8").splitlines()
    lines[0] = line  # in place of "Skip to Content"
    article = extract_text(_doc("\n".join(lines), name="d"), settings=load_settings().extract,
                           outlets=load_outlets())
    if menu:
        assert article.headline is not None and article.headline.startswith("Blinken says")
