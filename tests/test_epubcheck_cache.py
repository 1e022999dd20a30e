"""The EPUBCheck verdict cache keeps verdicts, including failures, by the EPUB's bytes; one JVM
checks every EPUB of a test process."""

from __future__ import annotations

import zipfile

import conftest
import pytest
from epubcheckjvm import EpubCheckError

from pubbuild.cli import main


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


def test_one_jvm_checks_many_epubs_and_each_gets_its_own_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBBUILD_EPUBCHECK_CACHE", "0")
    jvm = conftest.epubcheck_jvm()
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("content.opf", "<package/>")
    clean = tmp_path / "clean.epub"
    assert main(["-q", "epub", str(conftest.ROOTS / "epub-text" / "plain.txt"), "-o", str(clean)]) == 0
    started, checked = jvm.started, jvm.checked
    verdicts = [conftest.run_epubcheck(p) for p in (broken, clean, broken)]
    assert jvm.checked == checked + 3
    assert jvm.started == max(started, 1)  # no JVM started per EPUB
    # A failed book leaves no trace on the next one's verdict, nor the next on the one after.
    assert verdicts[0] == verdicts[2] and verdicts[0]["fatal"] + verdicts[0]["error"] > 0
    assert (verdicts[1]["fatal"], verdicts[1]["error"], verdicts[1]["warning"]) == (0, 0, 0)


def test_a_dead_jvm_is_replaced_on_the_next_epub(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBBUILD_EPUBCHECK_CACHE", "0")
    jvm = conftest.epubcheck_jvm()
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("content.opf", "<package/>")
    first = conftest.run_epubcheck(broken)
    started = jvm.started
    jvm._proc.kill()
    jvm._proc.wait()
    assert conftest.run_epubcheck(broken) == first
    assert jvm.started == started + 1


def test_a_path_the_protocol_cannot_carry_is_refused(tmp_path):
    with pytest.raises(EpubCheckError, match="tab or newline"):
        conftest.epubcheck_jvm().check(tmp_path / "a\tb.epub", tmp_path / "report.json")


@pytest.mark.slow
@pytest.mark.real_epubcheck
def test_pubbuild_check_runs_the_jar_itself_and_agrees_with_the_suites_jvm(tmp_path, sample_build):
    """Outside the suite `pubbuild check` starts `java -jar epubcheck.jar`; inside it, the suite's
    JVM stands in (conftest.py): both give the same findings on a clean and on a broken book."""
    from pubbuild.backends.epub import validate

    assert validate.RUN is validate.run_jar
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("content.opf", "<package/>")
    real = {book: validate.epubcheck(book) for book in (sample_build["epub"], broken)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validate, "RUN", conftest._jvm_run)
        assert {book: validate.epubcheck(book) for book in real} == real
    assert real[sample_build["epub"]] == (True, [])
    assert any(f.level == "error" for f in real[broken][1])
