"""Splitting a pack into parts laid out in parallel, balanced by estimated cost.

Layout time per article follows its size, not its count: element count plus
characters / 40 predicted per-article render time best (r = 0.99 on real
articles), so parts are balanced on that estimate.  Parts are contiguous runs
of articles (each article starts a new page, so cutting between articles
changes no page), chosen to make the most expensive part as cheap as
possible: the slowest part sets the wall time.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

_TAG = re.compile(r"<[A-Za-z][^>]*>")
_MARKUP = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")

T = TypeVar("T")
R = TypeVar("R")


def estimate_cost(fragment: str) -> float:
    """Estimated layout cost of an HTML fragment: elements + characters of text / 40."""
    elements = len(_TAG.findall(fragment))
    text = _ENTITY.sub("x", _MARKUP.sub("", fragment))
    return elements + len(text) / 40


def balance(costs: Sequence[float], parts: int) -> list[range]:
    """Split ``costs`` (in order) into at most ``parts`` contiguous runs minimising the largest sum.

    Classic linear partition by dynamic programming (n x n x parts: trivial for
    packs of hundreds of articles).  Ties go to the earliest cut, so the
    result is deterministic.  Empty runs are never returned.
    """
    n = len(costs)
    parts = max(1, min(parts, n))
    if n == 0:
        return []
    prefix = [0.0]
    for cost in costs:
        prefix.append(prefix[-1] + cost)
    inf = float("inf")
    # best[k][i]: minimal largest run cost splitting the first i items into k runs
    best = [[inf] * (n + 1) for _ in range(parts + 1)]
    cut = [[0] * (n + 1) for _ in range(parts + 1)]
    best[0][0] = 0.0
    for k in range(1, parts + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                value = max(best[k - 1][j], prefix[i] - prefix[j])
                if value < best[k][i]:
                    best[k][i], cut[k][i] = value, j
    runs: list[range] = []
    end, k = n, parts
    while k > 0:
        start = cut[k][end]
        runs.append(range(start, end))
        end, k = start, k - 1
    return runs[::-1]


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def pool_context():
    """The multiprocessing context workers start in: forked where the platform allows
    it, so that they start with WeasyPrint already imported (spawning would redo that
    in every worker)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def worker_pool(jobs: int, initializer: Callable[..., None] | None = None,
                initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes (use it as a context manager)."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=pool_context(),
                               initializer=initializer, initargs=initargs)


def run_parallel(function: Callable[[T], R], tasks: Sequence[T], jobs: int) -> list[R]:
    """``[function(t) for t in tasks]``, in ``jobs`` worker processes, results in task order.

    ``function`` must be a module-level function and tasks picklable; each
    worker lays out one part and returns it as PDF bytes (rendered WeasyPrint
    documents hold cffi pointers and cannot cross processes).
    """
    if jobs <= 1 or len(tasks) <= 1:
        return [function(task) for task in tasks]
    with worker_pool(min(jobs, len(tasks))) as pool:
        return list(pool.map(function, tasks))
