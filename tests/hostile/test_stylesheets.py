"""A project stylesheet reaches nothing outside the project, and no rule stops the build
(issue 23).

``image-set("http://…")`` (a string there is a URL), a ``data:`` SVG holding ``http:`` or
``file:`` references, or a project SVG holding them, passed the checks into the EPUB's
``project.css``; a selector of 5,000 steps or ``:is()``/``@media`` nested 5,000 deep
stopped the build with a RecursionError (exit 70); a FIFO named by ``url()`` blocked it.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

import pytest

from pubbuild.styles import confine

MARK = "evil.example"
EVIL_SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            f'<image href="http://{MARK}/x.png" width="5" height="5"/>'
            f'<image xlink:href="file:///etc/{MARK}" width="5" height="5"/></svg>')


def _decoded(css: str) -> str:
    """``css`` with every data: URI's payload decoded, so nothing can hide inside one."""
    out = [css]
    for head, payload in re.findall(r"data:([^,]*),([^)\"'\s]*)", css):
        data = base64.b64decode(payload + "==") if ";base64" in head else unquote_to_bytes(payload)
        out.append(data.decode("utf-8", "replace"))
    return "\n".join(out)


def _confine(tmp_path: Path, css: str) -> tuple[str, list]:
    diags: list = []
    return confine(css, tmp_path, tmp_path, "styles/epub.css", diags), diags


@pytest.mark.parametrize("css", [
    f'p {{ background-image: image-set("http://{MARK}/a.png" 1x, "b.png" 2x); }}',
    f'p {{ background-image: -webkit-image-set("https://{MARK}/a.png" 1x); }}',
    f'p {{ background-image: image-set(url(http://{MARK}/a.png) 1x); }}',
    f'p {{ background-image: image("file:///etc/{MARK}"); }}',
    f'p {{ background: url("data:image/svg+xml,{quote(EVIL_SVG)}"); }}',
    f'p {{ background: url(data:image/svg+xml;base64,{base64.b64encode(EVIL_SVG.encode()).decode()}); }}',
    f'p {{ background: url("data:text/html,<script>fetch(\'http://{MARK}\')</script>"); }}',
    "p { background: url(evil.svg); }",
    # Found by the fuzz run: what follows a kept data: address inside url() went unchecked.
    f'p {{ background: url("data:image/png;base64,AAAA" url("http://{MARK}/x")); }}',
], ids=["image-set", "webkit-image-set", "image-set-url", "image-string", "data-svg", "data-svg-base64",
        "data-html", "project-svg", "nested-in-url"])
def test_no_reference_outside_the_project_passes(tmp_path, css):
    (tmp_path / "evil.svg").write_text(EVIL_SVG)
    (tmp_path / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    out, diags = _confine(tmp_path, css)
    assert MARK not in _decoded(out)
    assert "S013" in [d.code for d in diags]


def test_a_clean_svg_still_comes_through(tmp_path):
    (tmp_path / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect id="r" width="5" height="5"/>'
                                     '<use href="#r"/></svg>')
    out, diags = _confine(tmp_path, "p { background: url(ok.svg); }")
    assert diags == [] and "data:image/svg+xml" in out and "<rect" in _decoded(out)


@pytest.mark.parametrize("css", [
    ":is(" * 5000 + "p" + ")" * 5000 + " { color: red; }",
    ":not(" * 5000 + "p" + ")" * 5000 + " { color: red; }",
    "@media screen {" * 5000 + " p { color: red; } " + "}" * 5000,
    " ".join(["div"] * 5000) + " { color: red; }",
    " > ".join(["div"] * 5000) + " { color: red; }",
    "p { color: " + "calc(" * 5000 + "1px" + ")" * 5000 + "; }",
], ids=["is", "not", "media", "descendants", "children", "calc"])
def test_a_rule_too_deep_or_too_long_is_left_out_with_a_diagnostic(tmp_path, css):
    out, diags = _confine(tmp_path, css + "\nh1 { color: #123456; }")
    assert [d.code for d in diags] == ["S015"]
    assert "#123456" in out and "red" not in out


def test_the_build_goes_on_past_such_rules(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text(":is(" * 3000 + "p" + ")" * 3000 + " { color: red; }\n"
                                                   + " ".join(["div"] * 3000) + " { color: red; }\n")
    (tmp_path / "styles" / "epub.css").write_text("@media screen {" * 3000 + "p{color:red}" + "}" * 3000)
    (tmp_path / "a.html").write_text("<html lang=en><head><title>T</title></head><body><article><h1>T</h1>"
                                     "<p>A paragraph long enough to be the text of an article here.</p>"
                                     "</article></body></html>")
    (tmp_path / "pubbuild.yaml").write_text("title: T\nlanguage: en\narticles: [a.html]\n")
    done = subprocess.run([sys.executable, "-m", "pubbuild", "build", str(tmp_path / "pubbuild.yaml")],
                          check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("S015") >= 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_by_url_is_refused_never_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.png")
    code = ("import sys; from pathlib import Path; from pubbuild.styles import confine; d = []; "
            "out = confine('p { background: url(pipe.png); }', Path(sys.argv[1]), Path(sys.argv[1]), 'x', d); "
            "print([x.code for x in d])")
    # Reading a FIFO with no writer never returns: the timeout is the guard that shows it.
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "S014" in done.stdout
