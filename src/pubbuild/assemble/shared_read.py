"""Reading a manifest's articles in this process and in worker processes a backend started.

A PDF build with ``--jobs 2`` or more forks its layout processes before it reads the
articles (:meth:`pubbuild.backends.Backend.preparing`); until the document is cut they
have nothing to lay out, and reading was the longest step of the build's serial head
(1.1-1.3 s of CPU on the 100-article bench pack).  :func:`sharing_reader` gives
:func:`pubbuild.assemble.publication.read_articles` a ``read`` that shares the work: this
process reads from the first article on, the pool from the last back, a few articles
per task, and each article is read once (a task the pool has not begun when this
process reaches it is cancelled and read here).

The reader's result depends on the file and the manifest's overrides only, so an
article is the same whichever process read it.  An article the pool could not read is
read again here, so that the error, and when it is raised, are those of reading in
order in one process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future
from pathlib import Path

from ..errors import PubbuildError
from ..model import Article
from ..passes import language
from .manifest import Manifest

#: Articles per task: small enough that this process rarely waits for a task it
#: reaches while the pool reads it (4 articles of the bench pack: ~50 ms).
SHARE = 4

Key = tuple[Path, str | None, str | None]
"""An article to read: the source and its ``url`` and ``encoding`` overrides."""


def _read_share(keys: list[Key], root: Path) -> list[Article | None]:
    """Worker: read each of ``keys``; None for one that cannot be read (read again by the
    caller, which raises the error in its place)."""
    from ..reader import read_file

    # The findings travel back with each article (``Article.diagnostics``); the reader's log
    # lines would interleave with the main process's output.
    log = logging.getLogger("pubbuild")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        out: list[Article | None] = []
        for source, url, encoding in keys:
            try:
                out.append(read_file(source, root, url, encoding))
            except PubbuildError:
                out.append(None)
        return out
    finally:
        log.setLevel(level)
        # The language model's mapped pages (up to ~90 MB) would stay in this worker and in
        # every layout process it forks later; dropped after each task (mapping it again from
        # the cached copy takes ~17 ms), as the main process drops it after reading.
        language.release()


def sharing_reader(manifest: Manifest, pool: Executor, share: int = SHARE
                   ) -> Callable[[Path, Path, str | None, str | None], Article]:
    """A ``read(source, root, url, encoding)`` for :func:`read_articles` over ``manifest``
    that reads the first articles here and the last ones in ``pool``."""
    from ..reader import read_file

    keys: list[Key] = []
    for spec in manifest.articles:
        key = (spec.source, spec.overrides.get("url"), spec.overrides.get("encoding"))
        if key not in keys:
            keys.append(key)
    shares = [keys[i:i + share] for i in range(0, len(keys), share)]
    share_of = {key: n for n, keys_ in enumerate(shares) for key in keys_}
    # The last share first: the pool works from the end while this process reads from the start.
    pending: dict[int, Future] = {}
    try:
        for n in reversed(range(len(shares))):
            pending[n] = pool.submit(_read_share, shares[n], manifest.root)
    except BrokenExecutor:  # a worker is gone (killed): what was not handed over is read here
        pass
    read_there: dict[Key, Article] = {}

    def read(source: Path, root: Path, url: str | None = None,
             encoding: str | None = None) -> Article:
        key = (source, url, encoding)
        if key in read_there:
            return read_there.pop(key)  # once: a source listed twice is read again
        n = share_of.get(key, -1)
        future = pending.pop(n, None)
        if future is not None and not future.cancel():  # begun in the pool: wait for it
            try:
                articles = future.result()
            except BrokenExecutor:  # its worker was killed: read here
                articles = []
            for k, article in zip(shares[n], articles):
                if article is not None:
                    read_there[k] = article
            if key in read_there:
                return read_there.pop(key)
        return read_file(source, root, url, encoding)

    return read
