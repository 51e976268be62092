"""The web app in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright against the app served by uvicorn on 127.0.0.1. A reader opens the stories list,
filters by outlet, opens a story, follows an entity, searches a quote, at desktop and phone
widths (screenshots under the test's tmp dir and out/serve/); the pages work without
JavaScript; htmx runs under the Content-Security-Policy without a violation; a script or an
``<img onerror>`` planted in a headline or a quote never runs."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsprism.serve import ServeConfig, create_app
from tests.conftest import REPO_ROOT
from tests.present.test_report_browser import CHROMIUM, CHROMIUM_ARGS
from tests.serve.conftest import HOSTILE_HEADLINE, Served

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is a dev dependency")
uvicorn = pytest.importorskip("uvicorn")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium; .ci/run)"
)
SCREENSHOTS = REPO_ROOT / "out" / "serve"
WIDTHS = {"desktop": 1280, "phone": 390}
PLANTED = {"pwned-headline", "pwned-img", "pwned-quote", "pwned-quote-img"}


@pytest.fixture(scope="module")
def live_url(sqlite_served: Served) -> Iterator[str]:
    """The app over the served corpus, on a free port of 127.0.0.1, in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(ServeConfig(db=sqlite_served.db)), host="127.0.0.1",
                            port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module's tests."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class _Watch:
    """A page's CSP violations, dialogs (alert) and uncaught errors."""

    def __init__(self, page: Any) -> None:
        self.violations: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _shot(page: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / path.name)
    return path


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_issue12_a_reader_browses_the_corpus(
    browser: Any, live_url: str, sqlite_served: Served, tmp_path: Path, device: str
) -> None:
    served = sqlite_served
    width = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": 900})
    watch = _Watch(page)
    try:
        page.goto(live_url + "/")
        assert page.locator("#results li.story").count() >= 2
        _shot(page, tmp_path, f"{device}-1-stories")
        # Filter by outlet: htmx swaps the list in place and puts the filter in the address.
        page.select_option("form.filters select[name=outlet]", "RT")
        page.click("form.filters button[type=submit]")
        page.wait_for_function("() => document.querySelectorAll('#results li.story').length === 1")
        # htmx swapped the list in place (no new page) and pushed the filter into the address.
        assert page.evaluate("() => location.search").startswith("?outlet=RT")
        assert page.evaluate("() => typeof htmx") == "object"
        stories = page.locator("#results li.story")
        assert served.story in stories.first.inner_text()
        _shot(page, tmp_path, f"{device}-2-filtered")
        # Open the story: the comparison's sections.
        stories.first.locator("h2 a").click()
        page.wait_for_url(f"**/stories/{served.story}")
        assert page.locator("#headlines .card").count() == 2
        tops = [round(box["y"]) for box in
                (c.bounding_box() for c in page.locator("#headlines .card").all()) if box]
        assert (tops[0] == tops[1]) if device == "desktop" else (tops[0] < tops[1])
        assert "jailed Russian businessman" in page.locator("#descriptors").inner_text()
        _shot(page, tmp_path, f"{device}-3-story")
        # Follow the RT article, then an entity in its text.
        page.locator("ul.article-links a", has_text="RT:").click()
        page.wait_for_url("**/articles/**")
        bout = page.locator(".article-body mark.ent a", has_text="Bout").first
        bout.scroll_into_view_if_needed()
        _shot(page, tmp_path, f"{device}-4-article")
        bout.click()
        page.wait_for_url("**/entities/**")
        assert page.locator("h1").inner_text() == "Viktor Bout"
        descriptors = page.locator("#descriptors").inner_text()
        assert "jailed Russian businessman" in descriptors
        assert "convicted Russian arms dealer" in descriptors
        _shot(page, tmp_path, f"{device}-5-entity")
        # Search a quote.
        page.click("nav.site-nav a[href='/search']")
        page.fill("input[name=q]", '"good faith"')
        page.select_option("select[name=in]", "quotes")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**in=quotes**")
        hits = page.locator("#hits").inner_text()
        assert "Karine Jean-Pierre" in hits and "stressed" in hits
        _shot(page, tmp_path, f"{device}-6-search")
        page.goto(live_url + "/outlets/RT")
        assert page.locator("figure.plot svg circle").count() >= 3
        _shot(page, tmp_path, f"{device}-7-outlet")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= width + 1  # nothing wider than the screen
    finally:
        page.close()
    assert watch.violations == [] and watch.errors == [] and watch.dialogs == []


def test_issue12_pages_read_without_javascript(
    browser: Any, live_url: str, sqlite_served: Served, tmp_path: Path
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390,
                                                                       "height": 900})
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        page.select_option("form.filters select[name=outlet]", "RT")
        page.click("form.filters button[type=submit]")  # a plain GET form
        page.wait_for_url("**outlet=RT**")
        assert page.locator("#results li.story").count() == 1
        page.locator("#results li.story h2 a").click()
        page.wait_for_url(f"**/stories/{sqlite_served.story}")
        page.locator("#articles details.article-text > summary").first.click()
        assert page.locator("#articles .article-body").first.is_visible()
        _shot(page, tmp_path, "nojs-story")
    finally:
        context.close()


def test_issue12_planted_scripts_never_run(
    browser: Any, live_url: str, sqlite_served: Served, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = _Watch(page)
    try:
        for path in ("/", f"/articles/{sqlite_served.hostile_article}",
                     "/search?q=prisoner+swap", "/search?q=back+down&in=quotes"):
            page.goto(live_url + path)
            page.wait_for_timeout(300)  # an onerror would have fired by now
            # A planted script or onerror would set the title to exactly one of these.
            title = page.title()
            assert title not in PLANTED, (path, title)
            assert page.locator("img").count() == 0
            assert page.locator("script").count() == 1  # htmx, from this app
        hostile = page.goto(live_url + f"/articles/{sqlite_served.hostile_article}")
        assert hostile is not None
        assert page.locator("h1").inner_text() == HOSTILE_HEADLINE  # shown as text
        assert page.title() == f"{HOSTILE_HEADLINE} · newsprism"
        body = page.locator(".article-body").inner_text()
        assert "<script>document.title='pwned-quote'</script>" in body
        _shot(page, tmp_path, "hostile-article")
    finally:
        page.close()
    assert watch.dialogs == [] and watch.errors == []
