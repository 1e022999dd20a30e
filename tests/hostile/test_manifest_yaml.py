"""Hostile manifests (issue 12): YAML anchors and aliases are refused before anything is
expanded, duplicate keys are errors naming both lines, and a syntax error is one line
``file:line:col: message``."""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
import time

import pytest

from pubbuild.cli import main


def _billion_laughs() -> str:
    """Ten levels of ten aliases each: 10**10 strings once expanded, about 1 kB as text."""
    lines = ['lol0: &l0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"lol{level}: &l{level} [{refs}]")
    lines.append("title: *l9\nlanguage: en\narticles: [a.html]\n")
    return "\n".join(lines)


def test_billion_laughs_fails_fast_in_bounded_memory(tmp_path):
    manifest = tmp_path / "pubbuild.yaml"
    manifest.write_text(_billion_laughs())
    assert len(manifest.read_bytes()) < 1500
    # In a child with a 1 GB address-space cap and a time limit, so that a regression fails
    # this test instead of taking the machine down.
    limit = 1 << 30
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from pubbuild.cli import main; sys.exit(main(sys.argv[1:]))",
         "-q", "epub", str(manifest)],
        capture_output=True, text=True, timeout=60, check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert time.monotonic() - started < 30
    assert proc.stderr.strip() == (f"pubbuild: {manifest}:1:7: invalid YAML: YAML anchor &l0 "
                                   "is not allowed in a manifest")
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("text, expected", [
    ("a: 1\nb: *nothing\n", ":2:4: invalid YAML: YAML alias *nothing is not allowed"),
    ("base: &b {title: x}\n<<: *b\n", ":1:7: invalid YAML: YAML anchor &b is not allowed"),
    ("title: *t\n", ":1:8: invalid YAML: YAML alias *t is not allowed"),
])
def test_anchors_and_aliases_are_refused(tmp_path, capsys, text, expected):
    manifest = tmp_path / "pubbuild.yaml"
    manifest.write_text(text)
    assert main(["epub", str(manifest)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"pubbuild: {manifest}{expected}") and "\n" not in err, err


def test_duplicate_keys_are_errors_naming_both_lines(tmp_path, capsys):
    manifest = tmp_path / "pubbuild.yaml"
    manifest.write_text(textwrap.dedent("""\
        title: First
        language: en
        title: Second
        articles:
          - source: a.html
            retrieved: 2024-01-01
            retrieved: 2024-02-02
        """))
    (tmp_path / "a.html").write_text("<p>x</p>")
    assert main(["epub", str(manifest)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"pubbuild: {manifest}:3: title: duplicate key (first given at line 1)",
                   f"pubbuild: {manifest}:7: articles[0].retrieved: duplicate key (first given at line 6)"]


@pytest.mark.parametrize("text, expected", [
    ("title: x\nlanguage: en\n  bad: [\n", ":3:6: invalid YAML: mapping values are not allowed here"),
    ('title: "unclosed\n', (":2:1: invalid YAML: found unexpected end of stream "
                            "(while scanning a quoted scalar started at line 1)")),
    ("articles:\n\t- a.html\n", ":2:1: invalid YAML: found character '\\t' that cannot start any token"),
    ("title: [a, b\nlanguage: en\n", (":2:9: invalid YAML: expected ',' or ']', but got ':' "
                                    "(while parsing a flow sequence started at line 1)")),
])
def test_a_syntax_error_is_one_line_with_line_and_column(tmp_path, capsys, text, expected):
    manifest = tmp_path / "pubbuild.yaml"
    manifest.write_text(text)
    assert main(["epub", str(manifest)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"pubbuild: {manifest}{expected}", err
