"""Reading a pack's articles here and in worker processes (assemble/shared_read.py): the
same articles, in the same order, each read once, and the same error as reading them
all in one process."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from pubbuild.assemble.publication import load_manifest, load_project, read_articles
from pubbuild.assemble.shared_read import sharing_reader
from pubbuild.errors import PubbuildError
from pubbuild.modeljson import encode

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the pool is forked, as the PDF's layout workers are")


def _pack(folder: Path, count: int, broken: int | None = None) -> Path:
    """``count`` articles (``broken``: that one only a menu, which is an error)."""
    (folder / "a").mkdir(parents=True)
    lines = ["title: Shared", "language: en", "articles:"]
    for n in range(count):
        body = "".join(f"<p>Paragraph {i} of article {n}, long enough to be kept as the text of "
                       "the article by the extractor.</p>" for i in range(6))
        if n == broken:
            body = '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        (folder / "a" / f"n{n:02d}.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>Article {n}</title></head><body>'
            f"<article><h1>Article {n}</h1>{body}</article></body></html>", encoding="utf-8")
        lines.append(f"  - a/n{n:02d}.html")
    manifest = folder / "pubbuild.yaml"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))


def test_the_articles_are_those_read_in_one_process(tmp_path, monkeypatch):
    from pubbuild import reader

    manifest = load_manifest(_pack(tmp_path, 13))
    alone = read_articles(manifest)
    log, read_file = tmp_path / "reads.txt", reader.read_file

    def counted(path, *args, **kwargs):
        # Appended to a file: the pool's processes are forked, their memory is not ours.
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {path.name}\n")
        return read_file(path, *args, **kwargs)
    monkeypatch.setattr(reader, "read_file", counted)
    with _pool() as pool:
        shared = read_articles(manifest, read=sharing_reader(manifest, pool, share=2))
    assert [encode(a, tmp_path) for a in shared] == [encode(a, tmp_path) for a in alone]
    reads = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    names = sorted(name for _, name in reads)
    # each file once, some here, some in the pool
    assert names == [f"n{n:02d}.html" for n in range(13)]
    assert {pid for pid, _ in reads} - {str(os.getpid())}, "the pool read nothing"
    assert str(os.getpid()) in {pid for pid, _ in reads}


@pytest.mark.parametrize("broken", [1, 11])
def test_an_article_that_cannot_be_read_fails_as_in_one_process(tmp_path, broken):
    manifest = _pack(tmp_path, 13, broken)
    with pytest.raises(PubbuildError) as alone:
        load_project(manifest)
    with _pool() as pool, pytest.raises(PubbuildError) as shared:
        load_project(manifest, pool)
    assert type(shared.value) is type(alone.value) and str(shared.value) == str(alone.value)
    assert f"n{broken:02d}.html" in str(shared.value)
    # the findings of the articles read before it come with the error, as in one process
    assert shared.value.diagnostics == alone.value.diagnostics


def test_a_broken_pool_reads_here(tmp_path):
    manifest = load_manifest(_pack(tmp_path, 6))
    pool = _pool()
    with pytest.raises(BrokenProcessPool):  # a worker killed: the pool is broken
        pool.submit(os._exit, 9).result()
    shared = read_articles(manifest, read=sharing_reader(manifest, pool))
    pool.shutdown()
    assert [a.meta.title for a in shared] == [a.meta.title for a in read_articles(manifest)]
