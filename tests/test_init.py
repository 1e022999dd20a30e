"""`pubbuild init`: a project that builds as it is, and never overwrites a file."""

from __future__ import annotations

import pytest
from conftest import assert_epubcheck_clean

from pubbuild.assemble.manifest import load
from pubbuild.cli import main

#: Builds projects and runs `pubbuild check` on them: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def test_init_project_builds_and_checks_clean(tmp_path, capsys):
    project = tmp_path / "climate-briefing"
    assert main(["init", str(project)]) == 0
    out = capsys.readouterr().out
    assert f"created {project / 'pubbuild.yaml'}" in out
    for rel in ("pubbuild.yaml", "sources/example-article.md", "styles/epub.css", "styles/print.css"):
        assert (project / rel).is_file(), rel
    manifest = load(project / "pubbuild.yaml")
    assert manifest.meta.title == "Climate briefing"
    assert [p.title for p in manifest.parts] == ["First part"]
    assert main(["-q", "build", str(project / "pubbuild.yaml")]) == 0
    assert_epubcheck_clean(project / "build" / "climate-briefing.epub")
    assert (project / "build" / "climate-briefing.pdf").is_file()
    assert main(["-q", "check", str(project / "pubbuild.yaml"), "--strict"]) == 0


def test_init_title_option_is_quoted_safely(tmp_path):
    assert main(["-q", "init", str(tmp_path / "p"), "--title", 'Budget: "What changed" #2']) == 0
    assert load(tmp_path / "p" / "pubbuild.yaml").meta.title == 'Budget: "What changed" #2'


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "sources").mkdir()
    mine = tmp_path / "sources" / "example-article.md"
    mine.write_text("my own article")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{mine}: already exists; refusing to overwrite" in err
    assert mine.read_text() == "my own article"
    assert not (tmp_path / "pubbuild.yaml").exists() and not (tmp_path / "styles").exists()


def test_init_on_a_file_is_a_clear_error(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["init", str(target)]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err
