"""Progress off a terminal: log lines with the work done, rate, figures and ETA (CI and logs see them)."""

from __future__ import annotations

import io
import time

from rich.console import Console

from productgan.progress import WorkProgress, format_duration, format_fields


def piped_console() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=False, width=200), stream


def test_off_a_terminal_progress_prints_lines_with_amount_rate_figures_and_eta():
    console, stream = piped_console()
    work = WorkProgress("train", 1000, console=console, every_s=0.0,
                        describe=lambda d, t: f"{d / 1000:.1f}/{t / 1000:.1f} kimg")
    for done in (100, 200, 300):
        time.sleep(0.01)
        work.update(done, loss_d=1.25, **{"img/s": "135"})
    work.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3  # one per update (every_s=0); close adds none: the last line says it all
    assert lines[0].startswith("[train] 0.1/1.0 kimg (10%)")
    assert "loss_d 1.25" in lines[-1] and "135 img/s" in lines[-1] and "ETA " in lines[-1]
    assert "ETA ?" not in lines[-1]  # a rate was measured, so the ETA is a duration


def test_lines_are_rate_limited_by_the_interval_and_quick_work_prints_nothing():
    console, stream = piped_console()
    work = WorkProgress("eval", 100, console=console, every_s=3600.0)
    for done in range(1, 50):
        work.update(done)
    work.close()
    assert stream.getvalue() == ""  # it ended long before the first line was due
    work = WorkProgress("eval", 100, console=console, every_s=0.05)
    work.update(10)
    time.sleep(0.06)
    for done in range(11, 50):
        work.update(done)
    assert len(stream.getvalue().splitlines()) == 1  # one line once the interval passed, not one per update
    work.close()
    assert stream.getvalue().splitlines()[-1].startswith("[eval] 49/100 (49%)")


def test_disabled_progress_prints_nothing():
    console, stream = piped_console()
    work = WorkProgress("train", 10, console=console, every_s=0.0, enabled=False)
    work.update(5)
    work.close()
    assert stream.getvalue() == ""


def test_eta_follows_the_recent_rate():
    console, _ = piped_console()
    work = WorkProgress("train", 1000, console=console, every_s=3600.0)
    work.recent.clear()
    work.recent.extend([(0.0, 0.0), (10.0, 100.0)])  # 10 units/s
    work.done = 100.0
    assert abs(work.eta_s() - 90.0) < 1e-9


def test_format_helpers():
    assert format_duration(65) == "1m05s" and format_duration(3725) == "1h02m" and format_duration(9) == "9s"
    assert format_duration(float("inf")) == "?"
    assert format_fields({"loss_g": 0.123456, "img/s": "80"}) == "loss_g 0.1235 · 80 img/s"


def test_feature_extraction_shows_progress_only_when_asked_and_only_for_large_sets(monkeypatch):
    import numpy as np
    import torch

    from productgan.metrics import extractor

    console, stream = piped_console()
    monkeypatch.setattr("productgan.progress._console", console)
    monkeypatch.setenv("PRODUCTGAN_PROGRESS_EVERY", "1e-9")  # a line at every batch
    images = np.zeros((600, 4, 4, 3), np.uint8)
    compute = lambda batch: torch.zeros(len(batch), 2)  # noqa: E731
    extractor.run_batched(compute, images, 100, torch.device("cpu"), 2)
    assert stream.getvalue() == ""  # not asked
    with extractor.feature_progress():
        extractor.run_batched(compute, images[:10], 100, torch.device("cpu"), 2)
        assert stream.getvalue() == ""  # small sets take seconds
        features = extractor.run_batched(compute, images, 100, torch.device("cpu"), 2)
    assert features.shape == (600, 2)
    assert "[features] 600/600 (100%)" in stream.getvalue()


def test_step_progress_reports_optimisation_steps_as_log_lines_off_a_terminal(monkeypatch):
    from productgan.progress import step_progress

    console, stream = piped_console()
    monkeypatch.setattr("productgan.progress._console", console)
    monkeypatch.setenv("PRODUCTGAN_PROGRESS_EVERY", "1e-9")  # a line at every step
    with step_progress("inverting") as progress:
        progress(1, 4, 0.5)
        progress(4, 4, 0.25)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[inverting] step 1/4 (25%) · loss 0.5")
    assert lines[-1].startswith("[inverting] step 4/4 (100%) · loss 0.25")


def test_step_progress_without_steps_prints_nothing(monkeypatch):
    from productgan.progress import step_progress

    console, stream = piped_console()
    monkeypatch.setattr("productgan.progress._console", console)
    with step_progress("encoder"):
        pass
    assert stream.getvalue() == ""


def test_announce_prints_one_line_even_when_piped(monkeypatch):
    from productgan.progress import announce

    console, stream = piped_console()
    monkeypatch.setattr("productgan.progress._console", console)
    announce("training a domain classifier [not markup] for this catalog")
    assert stream.getvalue() == "training a domain classifier [not markup] for this catalog\n"
