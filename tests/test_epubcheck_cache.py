"""The EPUBCheck verdict cache keeps verdicts, including failures, by the EPUB's bytes."""

from __future__ import annotations

import zipfile

import conftest


def test_cached_verdict_is_the_same_verdict(tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "VERDICTS", tmp_path / "verdicts")
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as zf:  # no mimetype, no container: EPUBCheck must object
        zf.writestr("content.opf", "<package/>")
    first = conftest.run_epubcheck(broken)
    assert first["fatal"] + first["error"] > 0
    stored = list((tmp_path / "verdicts").glob("*.json"))
    assert len(stored) == 1
    assert conftest.run_epubcheck(broken) == first
    # Other bytes are another key: the cache never answers for an EPUB it has not seen.
    with zipfile.ZipFile(broken, "a") as zf:
        zf.writestr("extra.txt", "x")
    conftest.run_epubcheck(broken)
    assert len(list((tmp_path / "verdicts").glob("*.json"))) == 2
