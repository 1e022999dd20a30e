"""Splitting a pack into parts laid out in parallel, balanced by estimated cost.

Layout time per article follows its size, not its count: element count plus
characters / 40 predicted per-article render time best (r = 0.99 on real
articles), so parts are balanced on that estimate.  A link counts twice: beside its
box it becomes an annotation, a link structure element and (with the link-address
lists) a numbered reference; on the 100-article bench pack, documents of article
bodies with 1,000 links each took 1.10 to 1.15 times as much CPU per estimated unit
as documents of plain paragraphs, which split ``--jobs 2`` a quarter unevenly.
Counting links twice brought the spread of CPU per unit over its 12 body documents
from 9.7% to 7.0% (coefficient of variation, one build, measured per document).  Parts are contiguous runs
of articles (each article starts a new page, so cutting between articles
changes no page), chosen to make the most expensive part as cheap as
possible: the slowest part sets the wall time.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import re
import signal
import struct
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

_TAG = re.compile(r"<[A-Za-z][^>]*>")
_LINK = re.compile(r"<a\s")
_MARKUP = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")

T = TypeVar("T")
R = TypeVar("R")


def estimate_cost(fragment: str) -> float:
    """Estimated layout cost of an HTML fragment: elements + links + characters of text / 40
    (a link counts as two elements: see the module's docstring)."""
    elements = len(_TAG.findall(fragment)) + len(_LINK.findall(fragment))
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


class WorkerDied(Exception):
    """A process laying out part of the document ended without a result (killed by a
    signal, out of memory)."""


_MESSAGE, _RETURN, _RAISE = range(3)
_HEAD = struct.Struct("<BQ")  # kind, length of the pickle that follows


def in_child(function: Callable[..., R], args: tuple = (),
             on_message: Callable[[Any], None] | None = None) -> R:
    """``function(*args, send)`` run in a forked child process; what it returns, here.

    For work that fills the heap with objects in reference cycles and then drops
    them (a WeasyPrint layout): the child runs without the cyclic collector and
    ends with ``os._exit``, so what it built is never walked by a collection nor
    freed object by object; the system takes the memory back at once (measured:
    :func:`pubbuild.backends.pdf.parallel_layout._render_many`).

    ``send(obj)`` in the child hands ``obj`` (pickled) to ``on_message`` here while the
    child still works.  An exception in the child is raised here (pickled, else as
    a RuntimeError with the child's traceback); a child that ends without a result
    raises :class:`WorkerDied`.  Where the platform has no ``fork`` the function
    runs in this process, followed by a full collection.

    Only the calling thread exists in the child: ``function`` must not use what
    other threads may hold locked at the fork (a worker's multiprocessing queue,
    fed by its own thread, is why messages come back here to be put on it).
    """
    deliver = on_message or (lambda message: None)
    if not hasattr(os, "fork"):
        try:
            return function(*args, deliver)
        finally:
            gc.collect()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read)
            gc.disable()
            try:
                result = function(*args, lambda message: _send(write, _MESSAGE, message))
            except BaseException as exc:  # noqa: BLE001 (handed to the parent)
                _send(write, _RAISE, _portable(exc))
            else:
                _send(write, _RETURN, result)
        except BaseException:  # noqa: BLE001 (the parent is gone or the result cannot be pickled)
            status = 70
        finally:
            os._exit(status)
    os.close(write)
    done = False
    try:
        with open(read, "rb") as stream:
            while True:
                head = stream.read(_HEAD.size)
                if len(head) < _HEAD.size:
                    break
                kind, length = _HEAD.unpack(head)
                body = stream.read(length)
                if len(body) < length:
                    break
                payload = pickle.loads(body)
                if kind == _MESSAGE:
                    deliver(payload)
                    continue
                done = True
                if kind == _RAISE:
                    raise payload
                return payload
    finally:
        if not done:
            # Leaving early (an error here, an interrupt) or the child is gone: make sure.
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    raise WorkerDied(_how_it_ended(status))


def _send(fd: int, kind: int, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEAD.pack(kind, len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError carrying its traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError("".join(traceback.format_exception(exc)).rstrip())


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"a layout process was killed ({name})"
    return f"a layout process ended without a result (exit status {os.waitstatus_to_exitcode(status)})"
