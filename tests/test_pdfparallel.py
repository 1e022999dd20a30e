"""Part balancing, child processes and the collector pause."""

from __future__ import annotations

import pytest

from pubbuild.backends.pdf import collector
from pubbuild.backends.pdf.workers import WorkerDied, balance, estimate_cost, in_child

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("costs", "parts", "expected"), [
    ([5, 5, 5, 5], 2, [[0, 1], [2, 3]]),
    ([10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 2, [[0], list(range(1, 11))]),  # not 6 and 5 articles
    ([1, 1, 1, 9], 2, [[0, 1, 2], [3]]),
    ([3, 3, 3], 5, [[0], [1], [2]]),  # never an empty part
    ([4], 2, [[0]]),
    ([], 3, []),
    ([2, 2, 2, 2, 2, 2], 3, [[0, 1], [2, 3], [4, 5]]),
])
def test_balance_minimises_the_costliest_part(costs, parts, expected):
    assert [list(r) for r in balance(costs, parts)] == expected


def test_balance_is_optimal_against_brute_force():
    import itertools
    costs = [7, 2, 9, 4, 4, 1, 8, 3]
    runs = balance(costs, 3)
    best = min(max(sum(costs[a:b]) for a, b in zip((0, *cuts), (*cuts, len(costs))))
               for cuts in itertools.combinations(range(1, len(costs)), 2))
    assert max(sum(costs[r.start:r.stop]) for r in runs) == best
    assert [i for r in runs for i in r] == list(range(len(costs)))


def test_estimate_cost_counts_elements_and_text():
    assert estimate_cost("<p>" + "x" * 80 + "</p>") == 1 + 2
    assert estimate_cost("<ul><li>a</li><li>b</li></ul>") == 3 + 2 / 40
    assert estimate_cost("<p>&amp;&#1234;</p>") == 1 + 2 / 40  # an entity is one character


def test_estimate_cost_counts_a_link_twice():
    """A link is an annotation and a structure element besides its box (workers' docstring)."""
    assert estimate_cost('<p><a href="#x">ab</a></p>') == 1 + 2 + 2 / 40
    assert estimate_cost('<p><abbr>ab</abbr><address>c</address></p>') == 3 + 3 / 40


def _child_work(n: int, send) -> dict:
    import gc
    import os
    for i in range(n):
        send(("step", i))
    return {"pid": os.getpid(), "collector": gc.isenabled(), "big": b"x" * 300_000}


def test_in_child_returns_and_relays_messages_in_order():
    import os

    seen = []
    result = in_child(_child_work, (3,), seen.append)
    assert seen == [("step", 0), ("step", 1), ("step", 2)]
    assert result["pid"] != os.getpid()  # it ran elsewhere
    assert result["collector"] is False  # without the cyclic collector
    assert result["big"] == b"x" * 300_000  # more than a pipe holds at once


def _fails(kind: str, send):
    if kind == "value":
        raise ValueError("bad piece")
    if kind == "unpicklable":
        import threading

        class Odd(Exception):
            def __init__(self):
                super().__init__("odd")
                self.lock = threading.Lock()
        raise Odd()
    import os
    os._exit(9)


def test_in_child_raises_what_the_child_raised():
    with pytest.raises(ValueError, match="bad piece"):
        in_child(_fails, ("value",))
    with pytest.raises(RuntimeError, match="Odd: odd"):  # cannot cross: its traceback does
        in_child(_fails, ("unpicklable",))


def test_in_child_reports_a_child_that_dies():
    with pytest.raises(WorkerDied, match="exit status 9"):
        in_child(_fails, ("exit",))


def _killed(send):
    import os
    import signal
    os.kill(os.getpid(), signal.SIGKILL)


def test_in_child_reports_a_killed_child():
    with pytest.raises(WorkerDied, match="SIGKILL"):
        in_child(_killed)


def test_in_child_leaves_no_process_behind():
    import os

    child = in_child(_child_work, (1,))["pid"]
    # Its own child, not "any child": a process another test left running (or unreaped)
    # is not in_child's to answer for.
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # reaped: no longer a child of this process


def test_collector_paused_nests_and_restores():
    import gc

    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    with pytest.raises(KeyError), collector.paused():
        raise KeyError("x")
    assert gc.isenabled()
