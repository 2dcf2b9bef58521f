"""Photos in parallel over processes, one thread each, results as they finish.

Why processes: OpenCV and NumPy release the GIL only in parts, and a photo's steps are short calls
with Python between them; one process per core keeps every core busy. Why one thread each: with
as many processes as cores, torch's or OpenCV's own threads would only fight over them (on 2 shared
cores a 2-thread op waits for a core someone else holds). Few photos are in flight at a time, so
a stopped run has little unfinished work and memory does not grow with the catalog.

Workers are spawned, not forked: a fork of a process whose torch or OpenCV thread pools have run
copies their locks mid-use, and the child can wait on them for ever (it did, under pytest). A
spawned worker imports the package afresh, a second or two once per run.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Callable, Iterable, Iterator, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: a worker never waits for the parent


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def one_thread() -> None:
    """One OpenCV and one torch thread in this process."""
    import cv2
    import torch

    cv2.setNumThreads(1)
    torch.set_num_threads(1)


def _start_worker(setup: Callable[..., None] | None, setup_args: tuple) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the run; a worker finishes its
    # photo (written atomically) instead of dying half way through a write.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    one_thread()
    if setup is not None:
        setup(*setup_args)


def map_in_processes(function: Callable[[Item], Result], items: Iterable[Item], workers: int,
                     setup: Callable[..., None] | None = None, setup_args: tuple = ()) -> Iterator[tuple[Item, Result]]:
    """(item, function(item)) for every item, in the order they finish, over `workers` processes.

    workers == 1 runs in this process (setup too), in order: no start-up cost, and a debugger works.
    setup(*setup_args) runs once per worker before its first item (loading a model, say).
    function and setup must be importable module-level functions (they cross to the workers).
    """
    if workers <= 1:
        if setup is not None:
            setup(*setup_args)
        for item in items:
            yield item, function(item)
        return
    pending = iter(items)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(setup, setup_args)) as pool:
        running: dict[Future, Item] = {}
        try:
            _top_up(pool, function, pending, running, workers * IN_FLIGHT_PER_WORKER)
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    item = running.pop(future)
                    yield item, future.result()
                _top_up(pool, function, pending, running, workers * IN_FLIGHT_PER_WORKER)
        finally:
            for future in running:
                future.cancel()


def _top_up(pool: ProcessPoolExecutor, function: Callable, pending: Iterator, running: dict, limit: int) -> None:
    while len(running) < limit:
        try:
            item = next(pending)
        except StopIteration:
            return
        running[pool.submit(function, item)] = item
