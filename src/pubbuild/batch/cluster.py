"""Where the tasks run: a Dask cluster, local or existing.

Without a scheduler address, a :class:`distributed.LocalCluster` of worker processes on this
machine (one thread each: a task is one process's work); with one, the running cluster at that
address.  Scheduling, retries after a worker's death and memory limits are Dask's.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

from ..errors import ConfigurationError

#: Megabytes one pubbuild process may take at its peak (the speed issue's bound: the
#: 100-article pack, on every path).  A task is one such process's work.
PROCESS_BOUND_MB = 350
#: What a Dask worker process holds before and between tasks: the interpreter, distributed,
#: pubbuild and WeasyPrint imported (bench/batch_bench.py measured 104 MB idle), and the fonts
#: and caches a first build leaves loaded.
WORKER_BASELINE_MB = 150
#: The memory limit of a worker: the bound, the baseline, and room for the allocator's
#: fragmentation between tasks.  Dask's nanny restarts a worker past 95 % of it.
DEFAULT_MEMORY_LIMIT = f"{PROCESS_BOUND_MB + WORKER_BASELINE_MB + 100}MiB"

#: Dask's memory management is made for workers that hold data; a pubbuild task holds none
#: between tasks, so a worker is never paused (it would wait for memory the allocator does not
#: return) and nothing is spilt: past the limit the nanny restarts it and the task runs again.
WORKER_CONFIG = {
    "distributed.worker.memory.target": False,
    "distributed.worker.memory.spill": False,
    "distributed.worker.memory.pause": False,
    "distributed.worker.memory.terminate": 0.95,
}


def usable_cores() -> int:
    """The cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def client(scheduler: str | None, workers: int, memory_limit: str,
           allowed_failures: int) -> Iterator:
    """A :class:`distributed.Client` on the scheduler at ``scheduler``, or on a new local cluster
    of ``workers`` processes limited to ``memory_limit`` each.  ``allowed_failures``: how many
    times a task runs again after its worker died before it fails (Dask's ``allowed-failures``;
    on an existing cluster its scheduler's own setting rules)."""
    import dask
    from distributed import Client, LocalCluster

    config = {**WORKER_CONFIG, "distributed.scheduler.allowed-failures": allowed_failures}
    with dask.config.set(config):
        if scheduler:
            try:
                # How long to try: Dask's distributed.comm.timeouts.connect (default 30 s).
                connected = Client(scheduler)
            except (OSError, TimeoutError) as exc:
                raise ConfigurationError(f"--scheduler {scheduler}: cannot reach a Dask scheduler "
                                         f"there ({exc})") from None
            with connected as c:
                _same_pubbuild(c)
                yield c
            return
        try:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   memory_limit=memory_limit, host="127.0.0.1",
                                   # what fails is said once, in the report and by the CLI
                                   silence_logs=logging.CRITICAL,
                                   # No dashboard; the scheduler's own HTTP server (health checks)
                                   # on any free port, never 8787 which another cluster may hold.
                                   scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
        except ValueError as exc:  # a memory limit Dask cannot parse
            raise ConfigurationError(f"--memory-limit {memory_limit}: {exc}") from None
        with cluster, Client(cluster) as c:
            yield c


def pubbuild_version() -> str:
    """This process's pubbuild version (run on each worker by :func:`_same_pubbuild`)."""
    from .. import __version__

    return __version__


def _same_pubbuild(c) -> None:
    """Every worker of an existing cluster runs this pubbuild: outputs and the stamps that skip
    them depend on its version."""
    from .. import __version__

    try:
        found = c.run(pubbuild_version)
    except Exception as exc:  # noqa: BLE001 - whatever a worker without pubbuild raises
        raise ConfigurationError(f"the workers cannot run pubbuild ({type(exc).__name__}: {exc}); "
                                 "install it on every worker machine") from None
    other = {addr: v for addr, v in found.items() if v != __version__}
    if other:
        raise ConfigurationError(f"worker {min(other)} runs pubbuild {other[min(other)]}, this is "
                                 f"pubbuild {__version__}: install the same version on every worker")
