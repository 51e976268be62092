"""Screenshots of two reports in headless Chromium, with their page heights.

The demo's report (the two sample scrapes, RT and CNN via KION 46, published 2022-07-29) and one
BASIL story's report (Fox, NYT and HuffPost on Jim Mattis' resignation, 2018), rendered by
newsprism.present.html and opened in Debian's chromium through Playwright at 1280 px; a full-page
PNG of each is written to OUT (default out/screens/) and the page heights are printed and written
as JSON beside them. Run it against another checkout's sources (PYTHONPATH=<other>/src) to compare
before and after.

    .venv/bin/python bench/report_screenshots.py [--out DIR] [--label NAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import sync_playwright

import newsprism
from basil import load_items
from compare_common import REPO, analysed
from newsprism.analyze import analyze
from newsprism.analyze.nlp import load_model
from newsprism.compare import compare
from newsprism.config import load_settings
from newsprism.present.html import render_report

CHROMIUM = "/usr/bin/chromium"
CORPUS = REPO.parent / "shared" / "corpus"
BASIL_STORY = "01c59743-7082-44fc-8414-3c04126f470f"
WIDTH = 1280


def reports() -> dict[str, str]:
    """The two reports' HTML by name."""
    settings = load_settings()
    day = dt.date(2022, 7, 29)
    # (``extract`` in the sources before the API renaming, for the "before" screenshots)
    extract = getattr(newsprism, "extract_articles", None) or newsprism.extract
    samples = extract(CORPUS / "000_463718cccb5341d0.txt", outlet="RT", published=day)
    samples += extract(CORPUS / "003_4ac3225d892de0a0.txt", published=day)
    demo = list(analyze(samples, model=load_model(), settings=settings.analyze))
    items = [i.article for i in load_items() if i.event == BASIL_STORY]
    story = analysed(items, name="basil-screens")
    return {
        "demo": render_report(compare(demo, settings=settings.compare)),
        "basil-mattis": render_report(compare(story, settings=settings.compare)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "out" / "screens")
    parser.add_argument("--label", default="after")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    heights = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox"])
        for name, page_html in reports().items():
            path = args.out / f"{name}-{args.label}.html"
            path.write_text(page_html, "utf-8")
            page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
            page.goto(path.as_uri())
            heights[name] = page.evaluate("document.documentElement.scrollHeight")
            page.screenshot(path=str(args.out / f"{name}-{args.label}.png"), full_page=True)
            page.close()
            print(f"{name:<14} {args.label:<7} {heights[name]:>6} px  "
                  f"{args.out / f'{name}-{args.label}.png'}")
        browser.close()
    (args.out / f"heights-{args.label}.json").write_text(json.dumps(heights, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
