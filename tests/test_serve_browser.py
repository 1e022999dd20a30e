"""``pubbuild serve`` in a real browser: Debian's chromium, headless, driven by Playwright
(which never downloads a browser of its own here).

The preview is loaded, a source is edited on disk, and the changed text must appear in the
page with no reload asked for; a broken manifest must show its error over the last good page.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from servehelp import project, start_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                 reason="chromium is not installed (tools/system-deps.sh installs it)"),
              pytest.mark.slow]

#: Root in a container has no user namespaces for chromium's sandbox; the page is our own.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def _evaluate_settled(page, expression: str, tries: int = 5):
    """``expression`` evaluated once the page has stopped navigating: a reload can start again
    (one per output the build finishes) just as the text it brought has appeared."""
    from playwright.sync_api import Error

    for attempt in range(tries):
        page.wait_for_load_state("load")
        try:
            return page.evaluate(expression)
        except Error as exc:
            if "Execution context was destroyed" not in str(exc) or attempt == tries - 1:
                raise
    return None


def _text_appears(page, text: str, timeout_ms: int = 90_000) -> None:
    # A locator, not wait_for_function: the preview's Content-Security-Policy (script-src 'self')
    # rightly forbids the page's own world to evaluate strings, and the test keeps it in force.
    page.locator("body").get_by_text(text).wait_for(timeout=timeout_ms)


def test_an_edited_source_shows_in_the_open_page_without_a_reload(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    manifest = project(tmp_path)
    source = manifest.parent / "sources" / "clean.html"
    proc, url = start_cli(manifest, tmp_path / "tmp")  # EPUB and PDF: the EPUB goes on show first
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            try:
                page = browser.new_page()
                page.goto(url)
                href = page.get_by_role("link", name="serve-test.pdf").get_attribute("href")
                pdf = page.request.get(url.rstrip("/") + href)
                assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
                assert pdf.body().startswith(b"%PDF-")
                page.get_by_role("link", name="Lighthouse keepers").click()
                page.wait_for_url("**/clean.xhtml")
                _text_appears(page, "northern light worked in pairs")
                # The preview's script has asked for the next build once its status box is there.
                page.wait_for_selector("#pubbuild-preview-status", state="attached")
                page.evaluate("window.notReloaded = true")

                source.write_text(source.read_text().replace("northern light", "southern beacon"))
                _text_appears(page, "southern beacon worked in pairs")
                assert _evaluate_settled(page, "window.notReloaded === undefined")  # the page reloaded itself
                assert "northern light" not in page.locator("body").inner_text()

                good = manifest.read_text()
                manifest.write_text(good + "parts: [\n")
                status = page.locator("#pubbuild-preview-status")
                status.get_by_text("The last build failed").wait_for(timeout=90_000)
                assert "pubbuild.yaml:" in status.inner_text()
                assert "southern beacon" in page.locator("body").inner_text()  # the last good build
                page.screenshot(path=str(tmp_path / "failed.png"))

                manifest.write_text(good)
                expect(page.locator("#pubbuild-preview-status")).not_to_contain_text("failed", timeout=90_000)
                _text_appears(page, "southern beacon worked in pairs")
                page.screenshot(path=str(tmp_path / "preview.png"))
            finally:
                browser.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
