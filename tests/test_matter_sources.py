"""The list of sources names a site for every article, or says it is not recorded."""

from __future__ import annotations

from pathlib import Path

from pubbuild.assemble.publication import load_publication
from pubbuild.model import Text
from pubbuild.textutil import model_nodes


def test_a_source_without_a_host_names_no_site_and_builds(tmp_path: Path) -> None:
    # Front matter's ``source:`` is free text ("Wikipedia"): an address with no host, so no
    # site name can be derived from it.  The entry once held Text(None), and the writer
    # stopped with an internal error on it.
    (tmp_path / "a.md").write_text("---\ntitle: A note\nsource: Wikipedia\n---\n"
                                   "Some text of the article, a paragraph of prose for the reader.\n",
                                   encoding="utf-8")
    (tmp_path / "pubbuild.yaml").write_text("title: Sources\narticles:\n  - a.md\n", encoding="utf-8")
    pub = load_publication(tmp_path / "pubbuild.yaml")
    sources = next(m for m in pub.back_matter if m.id == "sources")
    texts = [n.text for n in model_nodes(sources.blocks) if isinstance(n, Text)]
    assert all(isinstance(t, str) for t in texts)
    assert "not recorded" in texts
