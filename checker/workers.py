"""Per-document work spread over worker processes, results in input order.

    for result in ordered_map(work, items, jobs=2, setup=(init, (ruleset,))): ...

The pattern of ``checker.index``: a ``ProcessPoolExecutor``, items sent in chunks, at
most two chunks per worker in flight (so memory does not grow with the corpus), the
state every item needs (the rule set: plain data, it pickles) given once per worker
by an initializer.  Unlike the index, results come back in the order of the items, so
a run with ``jobs=2`` gives exactly what ``jobs=1`` gives.

Workers pay for themselves only on a corpus large enough: a pool costs its start-up
and each document's text and results are pickled both ways.  ``ordered_map`` looks at
the first ``min_items`` items and runs in this process when the input ends before
them.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections import deque
from typing import Callable, Iterable, Iterator, TypeVar

# concurrent.futures (and multiprocessing with it) is imported when a pool is started: a run
# that stays in one process never pays for it (start-up time).

T = TypeVar("T")
R = TypeVar("R")

#: Below this many documents a run stays in one process: on the machine of the README, a
#: pool of two workers costs about 60 ms to start and 0.1 ms per document to pickle, and
#: a seed-sized document takes about 2 ms to check, so the pool pays from a few dozen on.
MIN_ITEMS = 48

_WORK: Callable | None = None


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _init(work: Callable, setup: tuple | None) -> None:
    global _WORK
    # The parent handles Ctrl-C and stops the pool; a worker interrupted mid-chunk would
    # only add a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORK = work
    if setup is not None:
        init, args = setup
        init(*args)


def _run_chunk(chunk: list) -> list:
    return [_WORK(item) for item in chunk]


def ordered_map(work: Callable[[T], R], items: Iterable[T], *, jobs: int | None = None,
                setup: tuple[Callable, tuple] | None = None, chunk_size: int = 16,
                min_items: int = MIN_ITEMS) -> Iterator[R]:
    """``work(item)`` for each item, in the order of ``items``.  ``jobs`` processes
    (default: all cores; 1 runs here); ``setup = (init, args)`` runs ``init(*args)`` once
    in each worker (and here, when the work stays here).  ``work`` and ``init`` must be
    module-level functions (they are pickled by name)."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    stream = iter(items)
    head = list(itertools.islice(stream, max(min_items, 1))) if jobs > 1 else []
    if jobs == 1 or len(head) < min_items:
        if setup is not None:
            setup[0](*setup[1])
        for item in itertools.chain(head, stream):
            yield work(item)
        return
    from concurrent.futures import ProcessPoolExecutor

    chunks = _chunks(itertools.chain(head, stream), chunk_size)
    executor = ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(work, setup))
    pending: deque = deque()
    try:
        for chunk in itertools.islice(chunks, jobs * 2):
            pending.append(executor.submit(_run_chunk, chunk))
        while pending:
            results = pending.popleft().result()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(executor.submit(_run_chunk, nxt))
            yield from results
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def in_worker() -> bool:
    """True in a worker process that multiprocessing started (for ``ordered_map`` or the
    index); a process that never imported multiprocessing is none."""
    mp = sys.modules.get("multiprocessing")
    return mp is not None and mp.parent_process() is not None


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


__all__ = ["MIN_ITEMS", "default_jobs", "in_worker", "ordered_map"]
