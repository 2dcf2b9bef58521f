"""BudgetProgress: the log line off a terminal shows the lead unit, the share of the whole budget,
this session's images per second and the loop's figures."""

from __future__ import annotations

import io

from rich.console import Console

from productgan.loop_kit import Budget, BudgetProgress, Usage


def piped() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=False, width=200), stream


def test_a_kimg_run_shows_kimg_share_rate_and_losses():
    console, stream = piped()
    with BudgetProgress("train", Budget(kimg=1.0), console=console, every_s=0.0) as progress:
        progress.update(Usage(images=100, steps=10, seconds=2.0), loss_d=1.25)
    line = stream.getvalue().splitlines()[0]
    assert line.startswith("[train] 0.1/1.0 kimg (10%)")
    assert "50.0 img/s" in line and "loss_d 1.25" in line and "ETA " in line


def test_the_share_follows_whichever_limit_ends_the_run_first():
    console, stream = piped()
    with BudgetProgress("train", Budget(kimg=1.0, minutes=1.0), console=console, every_s=0.0) as progress:
        progress.update(Usage(images=100, seconds=45.0))
    assert "0.1/1.0 kimg (75%)" in stream.getvalue()  # 45 s of a 60 s cap, though only 10% of the images


def test_a_minutes_run_shows_minutes_and_the_kimg_reached():
    console, stream = piped()
    with BudgetProgress("enhance sr2", Budget(minutes=2.0), console=console, every_s=0.0) as progress:
        progress.update(Usage(images=3000, steps=30, seconds=60.0), L1=0.5)
    line = stream.getvalue().splitlines()[0]
    assert line.startswith("[enhance sr2] 1.0/2.0 min (50%)") and "kimg 3.0" in line and "L1 0.5" in line


def test_a_resumed_run_rates_only_this_sessions_work():
    console, stream = piped()
    start = Usage(images=10_000, steps=100, seconds=500.0)
    with BudgetProgress("train", Budget(kimg=20), start, console=console, every_s=0.0) as progress:
        progress.update(Usage(images=10_400, steps=104, seconds=504.0))
    assert "100 img/s" in stream.getvalue() and "10.4/20.0 kimg (52%)" in stream.getvalue()


def test_disabled_progress_prints_nothing():
    console, stream = piped()
    with BudgetProgress("encoder", Budget(steps=5), enabled=False, console=console, every_s=0.0) as progress:
        progress.update(Usage(steps=5), loss=1.0)
        progress.note("threads: 2")
    assert stream.getvalue() == ""
