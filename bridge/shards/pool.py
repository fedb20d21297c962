"""Run a function over many items in worker processes, results as they come, memory bounded.

:func:`parallel_map` is the one way sidl's corpus commands use several cores. It is

- *spawn-safe*: workers are started with the ``spawn`` method (the same on Linux, macOS and
  Windows; nothing of the parent's state leaks in), so ``function`` must be a picklable top-level
  function and ``items`` picklable values;
- *bounded*: items go out in small chunks, and at most ``2 × workers`` chunks are in flight, so the
  results waiting in the parent never grow with the corpus;
- *tolerant*: an exception raised for one item comes back as that item's failed :class:`Outcome`;
  a worker process that dies (a segfault in a library, ``os._exit``, the OOM killer) takes the
  pool down, so the pool is restarted and the items that were in flight are retried one at a time,
  alone, so only the item that kills its worker is reported failed;
- *in-process* for ``workers=1`` (tests, debugging, a profiler): same outcomes, no processes.

Results come in completion order, not input order.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

from sidl.bridge.errors import ParameterError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: progress(done, total), called after each item's outcome.
ProgressCallback = Callable[[int, int], None]
MAX_WORKERS = 256
CHUNKS_IN_FLIGHT_PER_WORKER = 2
MAX_CHUNK = 8  # items per chunk: few enough that one chunk's results (grids) stay small


@dataclass(frozen=True)
class Outcome(Generic[T, R]):
    """One item's result: ``value`` when ``function`` returned, ``error`` (a one-line reason) when it
    raised or its worker process died."""

    item: T
    value: R | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _run_one(function: Callable[[T], R], item: T) -> Outcome[T, R]:
    try:
        return Outcome(item, function(item))
    except Exception as exc:  # one item's failure is reported, never the run's end
        log.debug("item %r failed", item, exc_info=True)
        return Outcome(item, None, _describe(exc))


def _run_chunk(function: Callable[[T], R], chunk: list[T]) -> list[Outcome[T, R]]:
    return [_run_one(function, item) for item in chunk]


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the run, workers must not print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def check_workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise ParameterError(f"workers must be an integer within 1..{MAX_WORKERS}, got {workers!r}")
    return workers


def parallel_map(function: Callable[[T], R], items: Iterable[T], *, workers: int,
                 progress: ProgressCallback | None = None) -> Iterator[Outcome[T, R]]:
    """Yield an :class:`Outcome` of ``function(item)`` for every item, in completion order, running
    ``workers`` processes (``1``: in this process). ``progress(done, total)`` is called as outcomes come."""
    check_workers(workers)
    todo = list(items)
    total = len(todo)
    if progress is not None:
        progress(0, total)
    if workers == 1 or total <= 1:
        for done, item in enumerate(todo, 1):
            outcome = _run_one(function, item)
            if progress is not None:
                progress(done, total)
            yield outcome
        return
    yield from _pooled(function, todo, workers, progress)


def _chunks(items: list[T], size: int) -> deque[list[T]]:
    return deque(items[i : i + size] for i in range(0, len(items), size))


def _pooled(function: Callable[[T], R], todo: list[T], workers: int,
            progress: ProgressCallback | None) -> Iterator[Outcome[T, R]]:
    total = len(todo)
    size = max(1, min(MAX_CHUNK, total // (workers * 16)))
    pending = _chunks(todo, size)
    suspects: deque[T] = deque()  # items in flight when a worker died: retried alone
    limit = workers * CHUNKS_IN_FLIGHT_PER_WORKER
    context = multiprocessing.get_context("spawn")
    done = 0
    pool: ProcessPoolExecutor | None = None
    in_flight: dict[Future[list[Outcome[T, R]]], tuple[list[T], bool]] = {}
    broken = False
    try:
        while pending or suspects or in_flight:
            if pool is None or (broken and not in_flight):
                if pool is not None:
                    pool.shutdown(wait=True, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_quiet_worker)
                broken = False
            while not broken and len(in_flight) < limit:
                if suspects:
                    if in_flight:
                        break  # a suspect runs alone, so a death names it and nothing else
                    chunk, alone = [suspects.popleft()], True
                elif pending:
                    chunk, alone = pending.popleft(), False
                else:
                    break
                in_flight[pool.submit(_run_chunk, function, chunk)] = (chunk, alone)
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk, alone = in_flight.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    broken = True
                    if alone:
                        log.warning("worker process died on %r", chunk[0])
                        outcomes = [Outcome(chunk[0], None, "the worker process died (crashed or was killed) on it")]
                    else:
                        suspects.extend(chunk)
                        continue
                except Exception as exc:  # e.g. a result that cannot be pickled: the chunk's items fail
                    outcomes = [Outcome(item, None, _describe(exc)) for item in chunk]
                for outcome in outcomes:
                    done += 1
                    if progress is not None:
                        progress(done, total)
                    yield outcome
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
