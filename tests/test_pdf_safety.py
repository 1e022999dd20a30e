"""WeasyPrint reads only what belongs to the publication: each refusal is tested."""

from __future__ import annotations

import base64
import io
import os
import socket
from pathlib import Path

import pikepdf
import PIL.Image
import pytest

from pubbuild.assemble.build import build
from pubbuild.backends.pdf.fetcher import make_fetcher

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def render(tmp_path: Path, body: str, allow_network: bool = False) -> tuple[bytes, list]:
    """Lay out ``body`` with pubbuild's fetcher confined to ``tmp_path/project``."""
    from weasyprint import HTML

    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    diags: list = []
    fetcher = make_fetcher(root, allow_network, diags)
    html = f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{body}</body></html>'
    pdf = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    return pdf, diags


def codes(diags) -> list[str]:
    return [d.code for d in diags]


def test_image_outside_project_is_refused(tmp_path):
    pdf, diags = render(tmp_path, '<img src="file:///etc/passwd" alt="x">')
    assert codes(diags) == ["S006"] and "/etc/passwd" in diags[0].message
    assert b"root:" not in pdf


def test_attachment_outside_project_is_refused(tmp_path):
    pdf, diags = render(tmp_path, '<link rel="attachment" href="file:///etc/passwd"><p>x</p>')
    assert codes(diags) == ["S006"]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert "/Names" not in doc.Root or "/EmbeddedFiles" not in doc.Root.Names


def test_stylesheet_url_outside_project_is_refused(tmp_path):
    _, diags = render(tmp_path, '<p style="background: url(file:///etc/hostname)">x</p>'
                                '<style>@import url("file:///etc/hosts");</style>')
    assert sorted(codes(diags)) == ["S006", "S006"]


def test_relative_escape_and_symlink_out_of_project_are_refused(tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    root = tmp_path / "project"
    root.mkdir()
    os.symlink(outside, root / "link.png")
    _, diags = render(tmp_path, '<img src="../secret.png" alt="a"><img src="link.png" alt="b">')
    assert codes(diags) == ["S006", "S006"]


def test_project_files_and_data_uris_are_served(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "dot.png").write_bytes(PNG)
    other = io.BytesIO()
    PIL.Image.new("RGB", (2, 1), (0, 0, 255)).save(other, "PNG")  # not the same picture as PNG
    data = "data:image/png;base64," + base64.b64encode(other.getvalue()).decode()
    pdf, diags = render(tmp_path, f'<img src="dot.png" alt="a"><img src="{data}" alt="b">')
    assert diags == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages[0].Resources.XObject) == 2


def test_the_same_picture_twice_is_one_resource(tmp_path):
    """Images are named by their content (issue 23): a project file and a ``data:`` URL of
    the same bytes are one XObject, drawn twice."""
    from pubbuild.backends.pdf import workarounds

    workarounds.content_named_images()  # as every build installs it (render() calls WeasyPrint bare)
    root = tmp_path / "project"
    root.mkdir()
    (root / "dot.png").write_bytes(PNG)
    data = "data:image/png;base64," + base64.b64encode(PNG).decode()
    pdf, diags = render(tmp_path, f'<img src="dot.png" alt="a"><img src="{data}" alt="b">')
    assert diags == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert len(page.Resources.XObject) == 1
        drawn = [op for _, op in pikepdf.parse_content_stream(page) if str(op) == "Do"]
        assert len(drawn) == 2


def test_network_is_never_reached_without_allow_network(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network was reached")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    _, diags = render(tmp_path, '<img src="https://example.org/x.png" alt="x">'
                                '<img src="http://127.0.0.1:9/y.png" alt="y">')
    assert codes(diags) == ["A002", "A002"]


def test_network_is_used_with_allow_network(tmp_path, monkeypatch):
    calls = []

    def offline(host, *args, **kwargs):
        calls.append(host)
        raise socket.gaierror("offline test")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    _, diags = render(tmp_path, '<img src="https://example.org/x.png" alt="x">', allow_network=True)
    assert calls and set(calls) == {"example.org"}
    # The failed fetch is reported, naming the image (tests/hostile/test_fetcher.py has the rest).
    assert codes(diags) == ["A002"] and "https://example.org/x.png" in diags[0].message


@pytest.mark.parametrize("url", ["ftp://example.org/x.png", "file://otherhost/etc/passwd"])
def test_other_schemes_and_remote_files_are_refused(tmp_path, url):
    _, diags = render(tmp_path, f'<img src="{url}" alt="x">')
    assert codes(diags) == ["S006"]


def test_source_pointing_at_system_file_builds_without_it(tmp_path):
    (tmp_path / "a.html").write_text(
        '<html lang="en"><head><title>Probe</title></head><body><article><h1>Probe</h1>'
        '<p>Text.</p><img src="file:///etc/passwd" alt="system file"></article></body></html>')
    (tmp_path / "pubbuild.yaml").write_text("title: Probe\narticles: [a.html]\n")
    out = tmp_path / "out.pdf"
    path, _, diags = build("pdf", tmp_path / "pubbuild.yaml", out)
    assert "S006" in codes(diags)
    assert b"root:x:" not in path.read_bytes()


def test_images_decided_once_outside_the_pipeline(tmp_path):
    """Without the pipeline's plan the backend decides once, over the whole publication
    (review of issue 26): the print document and a later ``image_src`` use that one plan,
    and an image left out is reported once."""
    from pubbuild import backends
    from pubbuild.assemble.publication import load_publication
    from pubbuild.facts import publication_images

    (tmp_path / "dot.png").write_bytes(PNG)
    (tmp_path / "a.html").write_text(
        '<html lang="en"><head><title>A</title></head><body><article><h1>A</h1>'
        '<p>Words enough to be an article body.</p><img src="dot.png" alt="a dot">'
        '<img src="https://example.org/x.png" alt="remote"></article></body></html>',
        encoding="utf-8")
    (tmp_path / "pubbuild.yaml").write_text("title: T\nlanguage: en\narticles:\n  - source: a.html\n",
                                            encoding="utf-8")
    pub = load_publication(tmp_path / "pubbuild.yaml")
    backend = backends.get("pdf")()
    html = backend.html(pub)
    plan = backend.image_plan
    assert plan is not None and backend.images(pub) is plan and backend.images() is plan
    assert codes(backend.diagnostics) == ["A002"]
    remote = [i for i, _ in publication_images(pub) if i.src.startswith("https:")]
    assert remote and backend.image_src(remote[0]) is None
    assert codes(backend.diagnostics) == ["A002"]  # not decided a second time
    assert "dot.png" in html and 'src="https://example.org' not in html
