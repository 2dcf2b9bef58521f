"""Choose torch's CPU thread count by measurement, and check the choice again now and then.

PyTorch's intra-op threads wait for each other at every operation: when another process takes a
core, a 2-thread run stalls on its slowest thread. Measured on 2 cores (the demo's steps, this
tuner's own trials, docs/BENCHMARKS.md): quiet, 2 threads 144-151 ms/step against 1 thread
223-239; with a luma training on the same cores, 2 threads 494-613 ms/step against 1 thread
253-376. No fixed count is right on a machine whose load changes, so the tuner times a few steps
at n and n-1 threads, keeps the faster, and repeats the trial every `recheck_s` seconds.

The trial steps are real training steps (nothing is wasted), and each step's random draws come
from its own seeded generator, so the thread count changes only float rounding, never the data.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable

import torch

WARMUP_STEPS = 1  # the first step after a change pays for thread start-up and caches
TRIAL_STEPS = 4
RECHECK_S = 120.0
MIN_GAIN = 0.05  # switch only for a clearly faster count: timings on a busy machine are noisy


_ours: dict[str, int] = {}  # the count a tuner last set, and the caller's count before tuners changed it


def available_threads() -> int:
    """The most threads worth trying: torch's own count (which follows OMP_NUM_THREADS and any
    torch.set_num_threads the caller made), capped by the cores this process may run on.

    A count a tuner set is not the caller's choice: the next run in the same process (a benchmark
    of several runs) starts again from the count the caller had, so one busy spell does not pin
    every later run to one thread.
    """
    current = torch.get_num_threads()
    if current == _ours.get("set"):
        current = _ours["before"]
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(current, cores))


def set_threads(count: int) -> None:
    """torch.set_num_threads, remembering that a tuner (not the caller) chose this count."""
    if torch.get_num_threads() != _ours.get("set"):
        _ours["before"] = torch.get_num_threads()
    torch.set_num_threads(count)
    _ours["set"] = count


@dataclass
class ThreadTuner:
    """Times training steps at candidate thread counts; `fixed` skips the trials.

    Use: `with tuner.step(): train_step()` around each step (only the step is timed, not
    sampling or checkpoints); `tuner.chosen` is the count in force; `on_choice(message)` is called
    with a line saying what was measured after the first trial and whenever a later one changes it.
    """

    fixed: int | None = None
    most: int = field(default_factory=available_threads)
    recheck_s: float = RECHECK_S
    on_choice: Callable[[str], None] | None = None
    chosen: int = 0
    _queue: list[int] = field(default_factory=list)
    _times: dict[int, list[float]] = field(default_factory=dict)
    _last_trial: float = 0.0
    _started: float = 0.0
    _said: bool = False

    def __post_init__(self) -> None:
        if self.fixed is not None and self.fixed < 1:
            raise ValueError(f"threads must be >= 1, got {self.fixed}")
        self.chosen = self.fixed or self.most
        set_threads(self.chosen)
        if self.fixed is None and self.most > 1:
            self._begin_trial()

    @property
    def candidates(self) -> list[int]:
        return [self.most, self.most - 1] if self.most > 1 else [1]

    def _begin_trial(self) -> None:
        self._queue = [count for count in self.candidates for _ in range(WARMUP_STEPS + TRIAL_STEPS)]
        self._times = {count: [] for count in self.candidates}

    def step(self) -> "_TimedStep":
        if self.fixed is None and not self._queue and time.perf_counter() - self._last_trial > self.recheck_s:
            self._begin_trial()
        return _TimedStep(self)

    def _before(self) -> None:
        if self._queue:
            set_threads(self._queue[0])
        self._started = time.perf_counter()

    def _after(self) -> None:
        if not self._queue:
            return
        count = self._queue.pop(0)
        self._times[count].append(time.perf_counter() - self._started)
        if not self._queue:
            self._decide()

    def _decide(self) -> None:
        per_step = {count: _median(times[WARMUP_STEPS:]) for count, times in self._times.items()}
        best = min(per_step, key=per_step.get)
        if best != self.chosen and per_step[best] > per_step.get(self.chosen, float("inf")) * (1 - MIN_GAIN):
            best = self.chosen  # not clearly faster: keep the count in force
        changed = best != self.chosen
        self.chosen = best
        set_threads(best)
        self._last_trial = time.perf_counter()
        if self.on_choice is not None and (changed or not self._said):  # the first choice, then changes only
            self._said = True
            timings = ", ".join(f"{count} thread{'s' if count > 1 else ''} {1000 * t:.0f} ms/step"
                                for count, t in sorted(per_step.items(), reverse=True))
            self.on_choice(f"threads: {best} ({'changed; ' if changed else ''}measured {timings}; "
                           f"--threads N to fix it)")


class _TimedStep:
    def __init__(self, tuner: ThreadTuner):
        self.tuner = tuner

    def __enter__(self) -> None:
        self.tuner._before()

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self.tuner._after()


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else float("inf")
