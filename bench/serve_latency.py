"""Benchmark: `pubbuild serve`, from saving a source to the new build on show.

For each run an article's source gets a new word in its longest paragraph; the time is taken
from the write to the moment the server says the new build is on show (a waiting
``/__pubbuild/events`` request returns), and, with ``--browser``, to the moment the new word
is visible in an open page in headless chromium (the page reloading itself).  Prints the
medians, and the build's own share (the rest is noticing the change and serving it):

    PYTHONPATH=src python bench/serve_latency.py [MANIFEST] [--runs N] [--format epub] [--browser]

Tests never time anything; this script is where the figures come from.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.request import urlopen

from pubbuild.serve import Preview, serve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest", nargs="?", type=Path, default=Path("pubbuild.yaml"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--format", dest="formats", action="append", help="as `serve --format`")
    parser.add_argument("--browser", action="store_true", help="also time the text showing in chromium")
    args = parser.parse_args()
    logging.getLogger("pubbuild").setLevel(logging.ERROR)
    stage_seconds: dict[int, list[float]] = {}
    build = Preview._build

    def timed(self, builder):  # each stage's own duration, read from the snapshot it leaves
        ok = build(self, builder)
        if ok:
            stage_seconds.setdefault(self.stages.index(builder), []).append(self.snapshot.seconds)
        return ok

    Preview._build = timed
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(args.manifest.resolve().parent, project,
                        ignore=shutil.ignore_patterns("build", ".git", ".venv", "tests", "src", "bench"))
        manifest = project / args.manifest.name
        from pubbuild.assemble.publication import load_manifest
        from pubbuild.serve import pack_stages

        source = load_manifest(manifest).articles[0].source
        stop, ready, urls = threading.Event(), threading.Event(), []
        stages = pack_stages(manifest, formats=args.formats, jobs=args.jobs)
        server = threading.Thread(target=serve, kwargs={
            "target": manifest, "port": 0, "builder": stages, "stop": stop,
            "on_ready": lambda url: (urls.append(url), ready.set())})
        server.start()
        try:
            if not ready.wait(600):
                sys.exit("no first build in 600 s")
            page = _browser_page(urls[0], source) if args.browser else None
            served, shown, done = [], [], []
            for run in range(1, args.runs + 1):
                state = _events(urls[0])
                word = f"Benchmarked{run}x"
                text = source.read_text(encoding="utf-8")
                text = re.sub(r"\bBenchmarked\d+x ", "", text)
                source.write_text(_insert(text, word), encoding="utf-8")
                start = time.perf_counter()
                before = state["build"]
                while state["build"] == before:
                    state = _events(urls[0], state["generation"])
                served.append(time.perf_counter() - start)
                if page is not None:
                    page.locator("body").get_by_text(word).wait_for(timeout=120_000)
                    shown.append(time.perf_counter() - start)
                while state["building"]:
                    state = _events(urls[0], state["generation"])
                done.append(time.perf_counter() - start)
            report("save -> first new build on show", served, args.runs)
            if shown:
                report("save -> word visible in chromium", shown, args.runs)
            report("save -> every stage built (PDF too)", done, args.runs)
            for n, seconds in sorted(stage_seconds.items()):
                report(f"stage {n + 1} of {len(stages)} build itself", seconds[1:], args.runs)
        finally:
            stop.set()
            server.join(60)
            if args.browser:
                _close_browser()


def _insert(text: str, word: str) -> str:
    """``text`` with ``word`` at the start of its longest paragraph: body text, not page furniture
    (a site title in the first <p> is dropped by the normaliser and would never show)."""
    longest = max(re.finditer(r"<p\b[^>]*>(.*?)</p>", text, re.DOTALL), key=lambda m: len(m.group(1)))
    return text[:longest.start(1)] + f"{word} " + text[longest.start(1):]


def report(name: str, values: list[float], runs: int) -> None:
    print(f"{name:34} median {statistics.median(values) * 1000:8.1f} ms over {runs} runs "
          f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})")


def _events(url: str, since: int | None = None) -> dict:
    with urlopen(url + "__pubbuild/events" + ("" if since is None else f"?since={since}"), timeout=700) as r:
        return json.load(r)


_playwright = []


def _browser_page(url: str, source: Path):
    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
    _playwright.extend([browser, p])
    page = browser.new_page()
    page.goto(url)
    # The page of the edited article: the contents' link whose file is named like its source.
    page.locator(f"a[href$='/{source.stem}.xhtml']").first.click()
    page.wait_for_selector("#pubbuild-preview-status", state="attached")
    return page


def _close_browser() -> None:
    if _playwright:
        browser, p = _playwright
        browser.close()
        p.stop()


if __name__ == "__main__":
    main()
