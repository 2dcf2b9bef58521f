"""Progress of long work: a bar on a terminal, a plain log line every few seconds everywhere else.

A rich bar prints nothing when the output is a pipe (a log file, CI, `nohup`), which is exactly
where a slow run most needs to be seen: there, the same object prints one line per interval with
the work done, the rate, the figures the caller passes and an ETA from the recent rate (a busy
machine slows a run down; the ETA follows it instead of averaging the quiet start in). Work that
ends within the first interval prints nothing; work that printed gets a last line when it ends.
"""

from __future__ import annotations

import os
import time
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

EVERY_S_ENV = "PRODUCTGAN_PROGRESS_EVERY"  # seconds between log lines when the output is not a terminal
DEFAULT_EVERY_S = 30.0
RATE_WINDOW_S = 60.0  # the ETA uses the rate over about this much recent time

_console = Console(stderr=True, highlight=False)


def announce(message: str) -> None:
    """One line on stderr before long work starts (what it is, how long, where its result goes), printed
    on a terminal and off one alike: a pipe gets no bar, so without it a slow start looks like a hang."""
    _console.print(message, markup=False, soft_wrap=True)


def log_interval() -> float:
    """Seconds between progress lines off a terminal: $PRODUCTGAN_PROGRESS_EVERY or 30."""
    try:
        value = float(os.environ.get(EVERY_S_ENV, DEFAULT_EVERY_S))
    except ValueError:
        return DEFAULT_EVERY_S
    return value if value > 0 else DEFAULT_EVERY_S


def format_duration(seconds: float) -> str:
    """'4m05s', '1h02m', '12s': short enough for a log line."""
    if seconds != seconds or seconds == float("inf"):
        return "?"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def format_fields(fields: dict[str, object]) -> str:
    """'loss_d 1.234 · 135 img/s': floats to 4 significant digits, strings as they are."""
    parts = []
    for name, value in fields.items():
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        parts.append(f"{text} {name}" if name.startswith(("img/", "it/")) else f"{name} {text}")
    return " · ".join(parts)


class WorkProgress:
    """Progress toward `total` units of work (steps, images, seconds of a minutes budget...).

    `describe(done, total)` turns the amounts into words ('12.3/48.0 kimg'); `update(done, **fields)`
    after each unit; `close()` at the end, which also prints a last line off a terminal.
    """

    def __init__(self, label: str, total: float, done: float = 0.0, enabled: bool = True,
                 describe: Callable[[float, float], str] | None = None, console: Console | None = None,
                 every_s: float | None = None):
        self.label, self.total = label, float(total)
        self.enabled = enabled
        self.console = console or _console
        self.describe = describe or (lambda d, t: f"{d:.0f}/{t:.0f}")
        self.every_s = log_interval() if every_s is None else every_s
        self.done, self.fields = done, {}
        self.recent: deque[tuple[float, float]] = deque([(time.perf_counter(), done)])
        self.last_line = time.perf_counter()  # the first line after one interval: quick work prints nothing
        self.printed, self.printed_done = False, None
        self.bar = None
        if enabled and self.console.is_terminal:
            self.bar = Progress(TextColumn(f"[bold]{escape(label)}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
                                TextColumn("{task.fields[amount]}"), TextColumn("{task.fields[text]}"),
                                TimeRemainingColumn(), console=self.console, transient=False)
            self.bar.start()
            self.task = self.bar.add_task(label, total=max(self.total, 1e-9), completed=min(done, self.total),
                                          amount=self.describe(done, self.total), text="")

    def rate(self) -> float:
        """Units of work per second over the recent window (0 before any progress)."""
        (t0, d0), (t1, d1) = self.recent[0], self.recent[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0

    def eta_s(self) -> float:
        rate = self.rate()
        return max(self.total - self.done, 0.0) / rate if rate > 0 else float("inf")

    def update(self, done: float, **fields: object) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        self.done, self.fields = done, fields
        self.recent.append((now, done))
        while len(self.recent) > 2 and now - self.recent[1][0] > RATE_WINDOW_S:
            self.recent.popleft()
        if self.bar is not None:
            self.bar.update(self.task, completed=min(done, self.total), amount=self.describe(done, self.total),
                            text=escape(format_fields(fields)))
        elif now - self.last_line >= self.every_s:
            self.print_line()

    def line(self) -> str:
        share = min(self.done / self.total, 1.0) if self.total > 0 else 1.0  # a last batch may overshoot
        extra = format_fields(self.fields)
        return (f"[{self.label}] {self.describe(self.done, self.total)} ({share:.0%})"
                + (f" · {extra}" if extra else "") + f" · ETA {format_duration(self.eta_s())}")

    def note(self, message: str) -> None:
        """Print a message of the caller's: above a live bar on a terminal, as a line elsewhere."""
        if self.enabled:
            self.console.print(f"[{self.label}] {message}", markup=False, soft_wrap=True)

    def print_line(self) -> None:
        self.last_line, self.printed, self.printed_done = time.perf_counter(), True, self.done
        self.console.print(self.line(), markup=False, soft_wrap=True)

    def close(self) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        elif self.printed and self.done != self.printed_done:  # the last word on work long enough to report
            self.print_line()
        self.enabled = False

    def __enter__(self) -> "WorkProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def step_progress(label: str) -> Iterator[Callable[[int, int, float], None]]:
    """Progress of an optimisation (a bar, or log lines off a terminal); yields progress(step, total, loss),
    the callback inversion and encoder training take. The bar starts at the first step, when the total is known."""
    work: WorkProgress | None = None

    def report(step: int, total: int, loss: float) -> None:
        nonlocal work
        if work is None:
            work = WorkProgress(label, total, describe=lambda done, whole: f"step {done:.0f}/{whole:.0f}")
        work.update(step, loss=float(loss))

    try:
        yield report
    finally:
        if work is not None:
            work.close()
