"""Every reader on real data: the sample scrapes, benchmark pages, containers built from them."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.config import load_settings, replace_section
from newsprism.ingest import read_inputs, read_stream
from newsprism.ingest.outlets import load_outlets
from newsprism.model import MediaType, RawDocument, Skipped, SourceKind

SETTINGS = load_settings()
OUTLETS = load_outlets()


def _read(*inputs: str, **options: object) -> tuple[list[RawDocument], list[Skipped]]:
    docs: list[RawDocument] = []
    skipped: list[Skipped] = []
    settings = options.pop("settings", SETTINGS)
    for item in read_inputs(list(inputs), settings=settings, outlets=OUTLETS, **options):  # type: ignore[arg-type]
        (skipped if isinstance(item, Skipped) else docs).append(item)  # type: ignore[arg-type]
    return docs, skipped


@pytest.fixture(scope="module")
def pages(benchdata: Path) -> list[tuple[str, str]]:
    """Three real news pages (url, html) from the article-extraction benchmark."""
    truth = json.loads((benchdata / "article-extraction-benchmark/ground-truth.json").read_text())
    chosen = []
    for key in sorted(truth)[:3]:
        html = gzip.decompress(
            (benchdata / f"article-extraction-benchmark/html/{key}.html.gz").read_bytes()
        ).decode("utf-8")
        chosen.append((truth[key]["url"], html))
    return chosen


def test_plain_text_scrapes_keep_their_text_and_a_stable_id(corpus_dir: Path) -> None:
    docs, skipped = _read(str(corpus_dir))
    assert skipped == []
    assert [Path(d.source.location).name for d in docs] == [
        "000_463718cccb5341d0.txt",
        "003_4ac3225d892de0a0.txt",
    ]
    rt = docs[0]
    assert rt.media_type is MediaType.TEXT
    assert rt.content == (corpus_dir / "000_463718cccb5341d0.txt").read_text(encoding="utf-8")
    assert rt.outlet is None  # nothing in a bare file says RT: unknown, not guessed
    again, _ = _read(str(corpus_dir / "000_463718cccb5341d0.txt"), outlet="RT")
    assert again[0].id == rt.id
    assert again[0].outlet is not None and again[0].outlet.found_by == "flag"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig", "latin-1"])
def test_re_encoded_files_decode_to_the_same_text(
    tmp_path: Path, corpus_texts: dict[str, str], encoding: str
) -> None:
    # cp1252 and latin-1 cannot hold every character of the sample; keep what they can.
    text = corpus_texts["rt"].encode(encoding, errors="replace").decode(encoding)
    path = tmp_path / f"rt.{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    (doc,), skipped = _read(str(path))
    assert skipped == []
    assert doc.content == text.removeprefix("\ufeff")


def test_html_files_are_sniffed_by_content_not_name(
    tmp_path: Path, pages: list[tuple[str, str]]
) -> None:
    html = pages[0][1]
    odd_name = tmp_path / "page.dat"
    odd_name.write_text(html, encoding="utf-8")
    (doc,), skipped = _read(str(odd_name))
    assert skipped == []
    assert doc.media_type is MediaType.HTML
    assert doc.content == html


def test_jsonl_lines_become_documents_and_a_bad_line_is_named(
    tmp_path: Path, corpus_texts: dict[str, str], pages: list[tuple[str, str]]
) -> None:
    html = pages[1][1]
    lines = [
        json.dumps(
            {
                "url": "https://www.rt.com/news/a/",
                "title": "T",
                "text": corpus_texts["rt"],
                "published": "2022-07-29",
                "authors": ["A. Writer"],
            }
        ),
        "",
        json.dumps({"url": pages[1][0], "html": html, "outlet": "Some Outlet"}),
        '{"url": "https://example.org/x"}',
        "[1, 2]",
        "{broken",
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, skipped = _read(str(path))
    assert [d.source.line for d in docs] == [1, 3]
    assert docs[0].outlet is not None and docs[0].outlet.name == "RT"  # by the URL's domain
    assert (docs[0].published, docs[0].authors, docs[0].title) == (
        "2022-07-29",
        ("A. Writer",),
        "T",
    )
    assert docs[1].media_type is MediaType.HTML
    assert docs[1].outlet is not None and docs[1].outlet.found_by == "record"
    assert [s.where for s in skipped] == [f"{path}:4", f"{path}:5", f"{path}:6"]
    assert "no non-empty 'text' or 'html'" in skipped[0].reason
    assert "not valid JSON" in skipped[2].reason


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://news.example.org/</link>
<item><title>First</title><link>https://news.example.org/first</link><guid>first</guid>
<pubDate>Fri, 29 Jul 2022 18:00:00 GMT</pubDate><description><![CDATA[{body}]]></description></item>
<item><title>Linked</title><link>{linked}</link><guid>second</guid>
<description>Short teaser.</description></item>
<item><title>Empty</title><link>https://news.example.org/empty</link><guid>third</guid></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<entry><title>One</title><id>urn:one</id><link href="https://desk.example.net/one"/>
<updated>2022-07-29T12:00:00Z</updated><author><name>Jennifer Hansler</name></author>
<content type="html">{body}</content></entry></feed>"""


def test_rss_items_read_with_linked_page_copies(
    tmp_path: Path, corpus_texts: dict[str, str], pages: list[tuple[str, str]]
) -> None:
    url, html = pages[2]
    saved = tmp_path / "pages"
    saved.mkdir()
    canonical = f'<link rel="canonical" href="{url}">'
    (saved / "copy.html").write_text(
        html.replace("<head>", "<head>" + canonical, 1), encoding="utf-8"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in corpus_texts["cnn"].splitlines()[4:8])
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS.format(body=paragraphs, linked=url), encoding="utf-8")
    docs, skipped = _read(str(feed), pages=saved)
    assert [d.title for d in docs] == ["First", "Linked"]
    first, linked = docs
    assert first.source.kind is SourceKind.FEED and first.source.record == "first"
    assert "Antony Blinken" in first.content
    assert first.published == "Fri, 29 Jul 2022 18:00:00 GMT"
    # The name the feed gives itself; its domain is not in the outlet directory.
    assert first.outlet is not None and first.outlet.name == "Example Wire"
    assert linked.content.startswith(
        html[:200].split("<head>")[0]
    )  # the saved page, not the teaser
    assert [s.where for s in skipped] == [f"{feed}#third"]


def test_atom_entries_carry_authors_and_feed_outlet(
    tmp_path: Path, corpus_texts: dict[str, str]
) -> None:
    feed = tmp_path / "atom.xml"
    body = "&lt;p&gt;" + corpus_texts["cnn"].splitlines()[6] + "&lt;/p&gt;"
    feed.write_text(ATOM.format(body=body), encoding="utf-8")
    (doc,), skipped = _read(str(feed))
    assert skipped == []
    assert doc.authors == ("Jennifer Hansler",)
    assert doc.url == "https://desk.example.net/one"
    assert "Blinken" in doc.content


def _warc(records: list[tuple[str, str, str]]) -> bytes:
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    for url, content_type, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body.encode("utf-8")), http_headers=headers
        )
        writer.write_record(record)
        record.raw_stream.close()
    return stream.getvalue()


def test_warc_html_responses_are_read_and_others_passed_over(
    tmp_path: Path, pages: list[tuple[str, str]]
) -> None:
    data = _warc(
        [
            (pages[0][0], "text/html; charset=utf-8", pages[0][1]),
            ("https://img.example.org/a.png", "image/png", "not an article"),
            (pages[1][0], "text/html", pages[1][1]),
        ]
    )
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    docs, skipped = _read(str(path))
    assert skipped == []
    assert [d.url for d in docs] == [pages[0][0], pages[1][0]]
    assert all(d.source.kind is SourceKind.WARC and d.source.record for d in docs)
    assert docs[0].content == pages[0][1]


def test_truncated_warc_keeps_earlier_records_and_names_the_break(
    tmp_path: Path, pages: list[tuple[str, str]]
) -> None:
    whole = _warc([(u, "text/html", h) for u, h in pages])
    first_record = _warc([(pages[0][0], "text/html", pages[0][1])])
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(whole[: len(first_record) + 500])
    docs, skipped = _read(str(path))
    assert [d.url for d in docs] == [pages[0][0]]
    assert len(skipped) == 1 and skipped[0].where.startswith(str(path))
    assert "truncated or corrupt" in skipped[0].reason


def test_mixed_junk_directory(tmp_path: Path, corpus_texts: dict[str, str]) -> None:
    (tmp_path / "good.txt").write_text(corpus_texts["cnn"], encoding="utf-8")
    (tmp_path / "good.txt.gz").write_bytes(gzip.compress(corpus_texts["rt"].encode()))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("\n \n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    (tmp_path / "cut.gz").write_bytes(gzip.compress(corpus_texts["cnn"].encode())[:300])
    (tmp_path / ".hidden.txt").write_text(corpus_texts["rt"], encoding="utf-8")
    (tmp_path / "README.md").write_text("# notes about this folder\n", encoding="utf-8")
    docs, skipped = _read(str(tmp_path))
    assert sorted(Path(d.source.location).name for d in docs) == ["good.txt", "good.txt.gz"]
    reasons = {Path(s.where).name: (s.code, s.reason) for s in skipped}
    assert reasons["empty.txt"][0] == "E101" and "empty" in reasons["empty.txt"][1]
    assert reasons["blank.txt"][0] == "E101"
    assert "binary" in reasons["photo.jpg"][1]
    assert reasons["cut.gz"][0] == "E102" and "truncated gzip" in reasons["cut.gz"][1]
    assert set(reasons) == {"empty.txt", "blank.txt", "photo.jpg", "cut.gz"}


def test_missing_file_is_named(tmp_path: Path) -> None:
    docs, skipped = _read(str(tmp_path / "absent.txt"))
    assert docs == []
    assert skipped[0].where == str(tmp_path / "absent.txt")
    assert "no such file" in skipped[0].reason


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    with big.open("wb") as stream:  # a sparse 50 MB file: refused from its size alone
        stream.truncate(50 * 1024 * 1024 + 1)
    docs, skipped = _read(str(big))
    assert docs == []
    assert skipped[0].code == "E103" and "ingest.max_bytes" in skipped[0].reason


def test_gzip_bomb_is_stopped_at_the_limit(tmp_path: Path) -> None:
    settings = replace_section(SETTINGS, "ingest", max_bytes=100_000)
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"word " * 1_000_000))
    docs, skipped = _read(str(bomb), settings=settings)
    assert docs == [] and skipped[0].code == "E103"


def test_page_saved_as_utf8_under_a_latin1_declaration_reads_as_utf8(
    tmp_path: Path, pages: list[tuple[str, str]]
) -> None:
    # A stale declaration: the page says ISO-8859-1, its bytes are UTF-8 (curly quotes, dashes).
    html = pages[1][1].replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">', 1)
    assert "iso-8859-1" in html and not html.isascii()
    path = tmp_path / "stale.html"
    path.write_bytes(html.encode("utf-8"))
    (doc,), skipped = _read(str(path))
    assert skipped == []
    assert doc.content == html and doc.encoding == "utf-8"


def test_page_saved_as_cp1252_under_a_utf8_declaration_is_detected(
    tmp_path: Path, pages: list[tuple[str, str]]
) -> None:
    # The page declares UTF-8 but was re-saved as Windows-1252: the declaration fails to decode
    # it and the encoding is detected from the bytes.
    html = pages[1][1].encode("cp1252", errors="replace").decode("cp1252")
    assert '<meta charset="utf-8">' in html and not html.isascii()
    path = tmp_path / "resaved.html"
    path.write_bytes(html.encode("cp1252"))
    (doc,), skipped = _read(str(path))
    assert skipped == []
    assert doc.content == html and doc.encoding == "cp1252"


def test_warc_record_with_a_broken_header_is_named_not_raised(
    tmp_path: Path, pages: list[tuple[str, str]]
) -> None:
    good = _warc([(pages[0][0], "text/html", pages[0][1])])
    # A response record without its WARC-Target-URI, as a crawler cut off mid-header leaves it.
    broken = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\nHTTP/1.1 200 OK\r\n"
    path = tmp_path / "broken.warc"
    path.write_bytes(gzip.decompress(good) + broken)
    docs, skipped = _read(str(path))
    assert [d.url for d in docs] == [pages[0][0]]
    assert len(skipped) == 1 and skipped[0].where == str(path) and skipped[0].code == "E102"


def test_issue13_a_stream_reads_as_the_file_does(
    tmp_path: Path, pages: list[tuple[str, str]]
) -> None:
    data = _warc(
        [
            (pages[0][0], "text/html", pages[0][1]),
            ("https://img.example.org/a.png", "image/png", "not an article"),
            (pages[1][0], "text/html", pages[1][1]),
        ]
    )
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    docs, skipped = _read(str(path))
    with path.open("rb") as handle:
        streamed = list(
            read_stream(handle, location=str(path), settings=SETTINGS, outlets=OUTLETS)
        )
    assert streamed == docs and not skipped
    # A job that counts what it could not use is told about the image.
    with path.open("rb") as handle:
        reported = list(read_stream(io.BytesIO(handle.read()), location=str(path),
                                    settings=SETTINGS, outlets=OUTLETS, report_other=True))
    others = [item for item in reported if not isinstance(item, RawDocument)]
    assert len(others) == 1 and "not an HTML page (Content-Type image/png)" in others[0].reason
    assert [d for d in reported if isinstance(d, RawDocument)] == docs
