"""The manifest: schema validation, every problem reported with file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubbuild.assemble.manifest import load
from pubbuild.cli import main
from pubbuild.errors import ConfigurationError

ARTICLE = "<html lang='en'><head><title>T</title></head><body><article><h1>T</h1><p>Body text.</p></article></body></html>"


def project(tmp_path: Path, manifest: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    for name, text in (files or {"sources/a.html": ARTICLE}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    path = tmp_path / "pubbuild.yaml"
    path.write_text(manifest)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigurationError) as info:
        load(path)
    return info.value.lines()


def test_valid_manifest_loads(tmp_path):
    m = load(project(tmp_path, "title: Pack\nlanguage: hy\ndate: 2024-02-03\ncreators:\n"
                     "  - {name: Ann, role: editor}\n  - Bob\narticles:\n  - source: sources/a.html\n"
                     "    url: https://x.example/a\n    retrieved: 2024-01-01\n"))
    assert m.meta.title == "Pack" and m.meta.language == "hy" and m.meta.date == "2024-02-03"
    assert [(c.name, c.role) for c in m.meta.creators] == [("Ann", "editor"), ("Bob", "author")]
    assert m.articles[0].overrides == {"url": "https://x.example/a", "retrieved": "2024-01-01"}
    assert m.meta.identifier.startswith("urn:uuid:")
    # derived identifiers are stable
    assert load(tmp_path / "pubbuild.yaml").meta.identifier == m.meta.identifier


def test_every_problem_reported_with_line_and_key(tmp_path):
    path = project(tmp_path, "title: Pack\nlanguag: en\ndate: yesterday\narticles:\n"
                   "  - source: sources/missing.html\n  - source: ../outside.html\n"
                   "  - source: sources/a.html\n    authors: 3.5\n    colour: red\n")
    lines = problems(path)
    text = "\n".join(lines)
    assert len(lines) == 6, text
    assert f"{path}:8: articles[2].authors: expected a list of text, got a number" in lines
    assert f"{path}:2: languag: unknown key (did you mean 'language'?)" in lines
    assert f"{path}:3: date: expected an ISO 8601 date" in text
    assert f"{path}:5: articles[0].source: file not found: sources/missing.html" in lines
    assert f"{path}:6: articles[1].source: '../outside.html' is outside the project folder" in text
    assert f"{path}:9: articles[2].colour: unknown key" in text


def test_wrong_types(tmp_path):
    lines = problems(project(tmp_path, "title: [a, b]\narticles: sources/a.html\n"))
    assert any(":1: title: expected text, got a list" in l for l in lines)
    assert any(":2: articles: expected a list of articles" in l for l in lines)


def test_missing_required_keys(tmp_path):
    lines = problems(project(tmp_path, "subtitle: x\n"))
    assert any("missing required key 'title'" in l for l in lines)
    assert any("missing required key 'articles'" in l for l in lines)


def test_invalid_yaml_names_line(tmp_path):
    lines = problems(project(tmp_path, "title: Pack\narticles:\n  - source: [unclosed\n"))
    assert len(lines) == 1 and "invalid YAML" in lines[0] and str(tmp_path / "pubbuild.yaml") in lines[0]


def test_yaml_is_loaded_safely(tmp_path):
    lines = problems(project(tmp_path, "title: !!python/object/apply:os.system ['echo hi']\narticles: []\n"))
    assert any("invalid YAML" in l for l in lines)


def test_absolute_and_symlinked_paths_refused(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.html"
    outside.write_text(ARTICLE)
    path = project(tmp_path, f"title: P\narticles:\n  - source: {outside}\n  - source: sources/link.html\n")
    (tmp_path / "sources/link.html").symlink_to(outside)
    lines = problems(path)
    assert len(lines) == 2 and all("outside the project folder" in l for l in lines)


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_cli_bad_manifest_exits_2_and_writes_nothing(tmp_path, capsys, fmt):
    path = project(tmp_path, "title: P\nlanguage: english!\narticles:\n  - source: nope.html\n")
    out = tmp_path / f"out.{fmt}"
    assert main([fmt, str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{path}:2: language:" in err and f"{path}:4: articles[0].source: file not found" in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out*"))


@pytest.mark.parametrize("text,line,needle", [
    ("title: P\narticles:\n  - source: sources/gone.html\n", 3, "articles[0].source: file not found"),
    ("title: P\nsubjects: {a: 1}\narticles: [sources/a.html]\n", 2, "subjects: expected a list of text"),
    ("title: P\nauthor: Ann\narticles: [sources/a.html]\n", 2, "author: unknown key"),
    ("title: P\narticles: [sources/a.html\n", None, "invalid YAML"),
    ("title: P\narticles:\n  - source: ../../etc/passwd\n", 3, "is outside the project folder"),
])
def test_cli_each_bad_manifest_case(tmp_path, capsys, text, line, needle):
    path = project(tmp_path, text)
    out = tmp_path / "out.epub"
    assert main(["epub", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert needle in err and str(path) in err and "Traceback" not in err
    if line:
        assert f"{path}:{line}: " in err
    assert not out.exists() and not (tmp_path / "build").exists()
