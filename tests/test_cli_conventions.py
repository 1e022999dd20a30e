"""Command-line conventions: help on every argument, --version, explain, exit codes as
documented, --strict, ``-`` for standard input and output, deprecated spellings."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT, assert_epubcheck_clean
from packutil import copy_root

from pubbuild import cli
from pubbuild.backends import process_count
from pubbuild.backends.epub.backend import EpubBackend
from pubbuild.cli import main, make_parser
from pubbuild.diagnostics import CODES, table
from pubbuild.errors import EXIT_STATUS, exit_status_table
from pubbuild.explanations import EXPLANATIONS
from pubbuild.stdio import sniff

README = (ROOT / "README.md").read_text(encoding="utf-8")
ARTICLE = ('<!doctype html><html lang="en"><head><title>Quay</title></head><body><article>'
           "<h1>The Quay at Dawn</h1><p>The first boats leave before the light, and the harbour "
           "master counts them out one by one from the window of his office.</p></article>"
           "</body></html>")


def _parsers(parser: argparse.ArgumentParser, path: str = "pubbuild"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_argument_of_every_command_has_help():
    missing, commands = [], set()
    for path, parser in _parsers(make_parser()):
        commands.add(path)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{path}: {'/'.join(action.option_strings) or action.dest}")
    assert not missing, missing
    assert {"pubbuild normalize", "pubbuild explain", "pubbuild schema", "pubbuild build"} <= commands


def test_version_names_every_component(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for name in ("pubbuild", "WeasyPrint", "ebooklib", "Python", "EPUBCheck"):
        assert re.search(rf"^\s*{name} \d", out, re.MULTILINE), (name, out)


def test_explain_knows_every_code(capsys):
    assert set(EXPLANATIONS) == set(CODES)
    for code in CODES:
        assert main(["explain", code.lower()]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{code} ({CODES[code][0]}): {CODES[code][1]}")
        assert " ".join(EXPLANATIONS[code].split()) in " ".join(out.split())
    assert main(["explain"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(CODES)
    assert main(["explain", "Z999"]) == 2
    assert "unknown diagnostic code 'Z999'" in capsys.readouterr().err


def test_readme_tables_are_the_code_tables():
    assert table() in README, "README's diagnostics table differs from diagnostics.CODES"
    assert exit_status_table() in README, "README's exit status table differs from errors.EXIT_STATUS"


# ------------------------------------------------------------------ exit status


def _ok(tmp_path, monkeypatch):
    (tmp_path / "a.html").write_text(ARTICLE)
    return ["normalize", str(tmp_path / "a.html")]


def _strict_warning(tmp_path, monkeypatch):
    return ["build", str(copy_root("diag-pack", tmp_path)), "--format", "epub", "--strict", "-j", "1"]


def _bad_manifest(tmp_path, monkeypatch):
    (tmp_path / "pubbuild.yaml").write_text("title: [not, text]\narticles: []\n")
    return ["build", str(tmp_path / "pubbuild.yaml")]


def _raising(exc: BaseException):
    def case(tmp_path, monkeypatch):
        def boom(*args, **kwargs):
            raise exc
        monkeypatch.setattr("pubbuild.normalize.normalize_paths", boom)
        monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # the crash report goes here
        return _ok(tmp_path, monkeypatch)
    return case


#: A representative case of every documented exit status.
EXIT_CASES = {0: _ok, 1: _strict_warning, 2: _bad_manifest, 70: _raising(RuntimeError("bug")),
              130: _raising(KeyboardInterrupt()), 143: _raising(cli.Terminated())}


def test_every_documented_exit_status_has_a_case():
    assert set(EXIT_CASES) == set(EXIT_STATUS)


@pytest.mark.parametrize("status", sorted(EXIT_CASES))
def test_exit_status_is_as_documented(status, tmp_path, monkeypatch, capsys):
    argv = EXIT_CASES[status](tmp_path, monkeypatch)
    assert main(argv) == status
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if status == 70:
        assert list(tmp_path.glob("pubbuild-crash-*.txt"))


def test_strict_passes_a_clean_build_and_names_why_it_fails(tmp_path, capsys):
    manifest = copy_root("diag-pack", tmp_path)
    assert main(["build", str(manifest), "--format", "epub", "-j", "1"]) == 0
    capsys.readouterr()
    assert main(["epub", str(manifest), "--strict"]) == 1
    assert "--strict: 4 warnings or errors; failing" in capsys.readouterr().err
    (tmp_path / "a.html").write_text(ARTICLE)
    assert main(["epub", str(tmp_path / "a.html"), "--strict"]) == 0


# ------------------------------------------------------------------ - for stdin and stdout


def _run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pubbuild", *args], input=stdin,
                          capture_output=True, timeout=300, check=False)


def test_epub_from_stdin_to_stdout(tmp_path):
    proc = _run("epub", "-", "-o", "-", stdin=ARTICLE.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.startswith(b"PK") and b"wrote" not in proc.stderr
    with zipfile.ZipFile(io.BytesIO(proc.stdout)) as zf:
        assert zf.read("mimetype") == b"application/epub+zip"
    epub = tmp_path / "out.epub"
    epub.write_bytes(proc.stdout)
    assert_epubcheck_clean(epub)
    assert list(tmp_path.iterdir()) == [epub]  # no file named "-" anywhere


def test_epub_from_a_file_to_stdout_writes_no_file(tmp_path, capsysbinary, monkeypatch):
    (tmp_path / "a.html").write_text(ARTICLE)
    monkeypatch.chdir(tmp_path)
    assert main(["epub", "a.html", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"PK")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]


@pytest.mark.parametrize("given, data, needle", [
    ([], b"# The Quay\n\nBoats *leave* early.\n", b"<em>leave</em>"),
    (["--from", "text"], b"# The Quay\n\nBoats *leave* early.\n", b"*leave*"),
    ([], ARTICLE.encode(), b"harbour master"),
])
def test_normalize_reads_stdin(given, data, needle):
    proc = _run("normalize", *given, "-", stdin=data)
    assert proc.returncode == 0, proc.stderr.decode()
    assert needle in proc.stdout


@pytest.mark.parametrize("args, data, message", [
    (["normalize", "-"], b"\x00\x01\x02 binary", "cannot tell its source type"),
    (["epub", "-", "-o", "x.epub"], b"\x89PNG\r\n\x1a\n\x00\x00", "cannot tell its source type"),
    (["epub", "-"], ARTICLE.encode(), "name the output with -o FILE"),
    (["normalize", "--from", "html", "a.md"], b"", "--from applies to standard input (-) only"),
    (["normalize", "-", "-"], b"x", "only once"),
])
def test_stdin_problems_are_bad_input(args, data, message, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pubbuild", *args], input=data, capture_output=True,
                          timeout=120, cwd=tmp_path, check=False)
    assert proc.returncode == 2, proc.stderr.decode()
    assert message in proc.stderr.decode() and b"Traceback" not in proc.stderr
    assert not (tmp_path / "x.epub").exists()


def test_normalize_unknown_type_is_exit_2_like_build(tmp_path, capsys):
    (tmp_path / "a.doc").write_text("text")
    assert main(["normalize", str(tmp_path / "a.doc")]) == 2
    assert "unsupported source type '.doc'" in capsys.readouterr().err


@pytest.mark.parametrize("data, kind", [
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    (b"\xef\xbb\xbf  <!-- saved --> <html lang=en>", "html"),
    (b"<p>A fragment.</p>", "html"),
    (b"Title\n\n## Section\n\nText.", "markdown"),
    (b"See [the site](https://example.org).", "markdown"),
    (b"Plain words, a < b and c > d.\nMore words.", "text"),
    (b"\x00\x00binary", None),
    (b"\xff\xfe\xfa not utf-8 at all", None),
    (b"   \n  ", None),
])
def test_sniff(data, kind):
    assert sniff(data) == kind


# ------------------------------------------------------------------ one meaning per option


@pytest.mark.slow
def test_deprecated_spellings_still_work_with_a_warning(tmp_path, capsys, monkeypatch):
    manifest = copy_root("diag-pack", tmp_path)
    out = tmp_path / "elsewhere"
    assert main(["build", str(manifest), "-o", str(out), "--format", "epub", "-j", "1"]) == 0
    assert (out / "diag-pack.epub").is_file()
    assert "pubbuild: warning: -o is deprecated; use --out-dir" in capsys.readouterr().err

    monkeypatch.setattr(EpubBackend, "validator", "EPUBCheck (left out by this test)")
    monkeypatch.setattr(EpubBackend, "validate", classmethod(lambda cls, path: (False, [])))
    assert main(["check", str(manifest), "--format", "json"]) == 0
    old = capsys.readouterr()
    assert "pubbuild: warning: --format is deprecated; use --json" in old.err
    assert main(["check", str(manifest), "--json"]) == 0
    new = capsys.readouterr()
    assert "deprecated" not in new.err
    old_report, new_report = json.loads(old.out), json.loads(new.out)
    for output in old_report["outputs"] + new_report["outputs"]:
        del output["rebuilt"]  # the first check built the outputs build -o put elsewhere
    assert old_report == new_report


def test_schema_command_writes_the_schema(tmp_path, capsys):
    target = tmp_path / "schema.json"
    assert main(["-q", "schema", "-o", str(target)]) == 0
    written = json.loads(target.read_text())
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == written
    assert written["properties"]["title"]["description"] == "Title of the publication."
    assert main(["schema", "-o", str(tmp_path)]) == 2  # a folder is no place for a file


def test_output_options_mean_one_thing():
    """-o names one output (a file, or the deposit's bag), --out-dir a folder of outputs, --format
    the format of what a command writes; an old spelling with another meaning says it is deprecated."""
    for path, parser in _parsers(make_parser()):
        for action in parser._actions:
            if "-o" in action.option_strings:
                if "--output" in action.option_strings:
                    assert action.metavar == ("DIR" if path == "pubbuild deposit" else "FILE"), path
                else:
                    assert path == "pubbuild build" and "deprecated" in action.help, path
            if "--out-dir" in action.option_strings:
                assert action.metavar == "DIR", path
            # build, batch and serve: the formats written (and previewed); normalize: the model's format
            if "--format" in action.option_strings and path not in ("pubbuild build", "pubbuild serve",
                                                                    "pubbuild normalize", "pubbuild batch"):
                assert "deprecated" in action.help, path


def test_every_jobs_option_means_the_same(monkeypatch):
    """``-j`` has one default everywhere, the cores this process may use: serve's was None,
    build's ``os.cpu_count()`` (every core of the machine) and the PDF backend's its CPU
    affinity."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    jobs = {path: (action.option_strings, action.default, action.type)
            for path, parser in _parsers(make_parser()) for action in parser._actions
            if "--jobs" in action.option_strings}
    assert {"pubbuild build", "pubbuild check", "pubbuild deposit", "pubbuild pdf", "pubbuild serve"} <= set(jobs)
    assert {path: spec for path, spec in jobs.items() if spec != (["-j", "--jobs"], 3, process_count)} == {}
