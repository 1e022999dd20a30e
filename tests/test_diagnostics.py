"""Diagnostics are plain data: :func:`pubbuild.diagnostics.make` creates a finding and nothing
else (no log record carries it), and what the command line prints is made from the data."""

from __future__ import annotations

import logging

from pubbuild.diagnostics import Diagnostic, counts, lines, make


def test_make_is_plain_data_and_logs_nothing(caplog):
    with caplog.at_level(logging.DEBUG):
        found = make("S007", "image 'a.png' not found", "sources/a.html", 4)
    assert found == Diagnostic("S007", "image 'a.png' not found", "sources/a.html", 4)
    assert caplog.records == []


def test_lines_show_the_levels_asked_for_and_count_every_finding():
    found = [make("S003", "page furniture removed: 2 elements", "a.html"),
             make("A002", "image x not fetched", "a.html", 3),
             make("A002", "image x not fetched", "a.html", 3),  # the same image twice on one line
             make("S006", "image y lies outside the project; refused", "b.html", 7)]
    assert lines(found) == [
        ("a.html: warning: A002 x2 remote image not fetched; replaced by its text alternative "
        "(first: line 3: image x not fetched)"),
        "b.html:7: error: S006 image y lies outside the project; refused"]
    assert lines(found, "error") == ["b.html:7: error: S006 image y lies outside the project; refused"]
    assert lines(found, "info", every=True) == [str(d) for d in found]


def test_counts_per_level_and_code():
    found = [make("A002", "x", "a.html"), make("A002", "y", "a.html"), make("S003", "z", "a.html")]
    assert counts(found) == {"error": 0, "warning": 2, "info": 1, "codes": {"A002": 2, "S003": 1}}
    assert counts([]) == {"error": 0, "warning": 0, "info": 0, "codes": {}}


def test_no_finding_is_made_and_dropped():
    """``make()`` logs nothing any more, so a call whose result is thrown away (a bare
    ``diagnostics.make(...)`` statement, as when logging carried the finding) loses the finding:
    every call in the package keeps what it makes."""
    import ast
    from pathlib import Path

    import pubbuild

    dropped = []
    for path in sorted(Path(pubbuild.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                func = node.value.func
                if (isinstance(func, ast.Name) and func.id == "make") or (
                        isinstance(func, ast.Attribute) and func.attr == "make"
                        and isinstance(func.value, ast.Name) and func.value.id == "diagnostics"):
                    dropped.append(f"{path.name}:{node.lineno}")
    assert dropped == []
