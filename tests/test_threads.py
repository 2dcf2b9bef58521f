"""The thread tuner keeps the faster thread count, measured on the steps themselves."""

from __future__ import annotations

import time

import pytest
import torch

from productgan.threads import TRIAL_STEPS, WARMUP_STEPS, ThreadTuner, available_threads


@pytest.fixture(autouse=True)
def keep_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def fake_step(slow_threads: int, slow_s: float = 0.02, fast_s: float = 0.002) -> None:
    """A step that is slow at `slow_threads` threads, as 2 threads are beside a busy process."""
    time.sleep(slow_s if torch.get_num_threads() == slow_threads else fast_s)


def run_steps(tuner: ThreadTuner, count: int, slow_threads: int) -> None:
    for _ in range(count):
        with tuner.step():
            fake_step(slow_threads)


def test_the_tuner_keeps_the_faster_count_and_says_what_it_measured():
    said = []
    tuner = ThreadTuner(most=2, on_choice=said.append)
    run_steps(tuner, 2 * (WARMUP_STEPS + TRIAL_STEPS), slow_threads=2)
    assert tuner.chosen == 1 and torch.get_num_threads() == 1
    assert said and said[0].startswith("threads: 1") and "2 threads" in said[0] and "ms/step" in said[0]


def test_the_tuner_keeps_all_threads_when_they_are_faster():
    tuner = ThreadTuner(most=2)
    run_steps(tuner, 2 * (WARMUP_STEPS + TRIAL_STEPS), slow_threads=1)
    assert tuner.chosen == 2


def test_the_tuner_checks_again_and_follows_a_change_of_load():
    tuner = ThreadTuner(most=2, recheck_s=0.0)
    run_steps(tuner, 2 * (WARMUP_STEPS + TRIAL_STEPS), slow_threads=1)
    assert tuner.chosen == 2
    run_steps(tuner, 2 * (WARMUP_STEPS + TRIAL_STEPS), slow_threads=2)  # another process took a core
    assert tuner.chosen == 1


def test_a_fixed_count_is_used_as_given_and_never_probed():
    tuner = ThreadTuner(fixed=1, most=2, recheck_s=0.0)
    run_steps(tuner, 20, slow_threads=1)
    assert tuner.chosen == 1 and torch.get_num_threads() == 1


def test_a_bad_count_is_refused():
    with pytest.raises(ValueError):
        ThreadTuner(fixed=0)


def test_a_later_run_in_the_same_process_tries_all_threads_again():
    import os

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs 2 cores to choose between 1 and 2 threads")
    torch.set_num_threads(2)  # the caller's count
    first = ThreadTuner()
    run_steps(first, 2 * (WARMUP_STEPS + TRIAL_STEPS), slow_threads=2)
    assert first.chosen == 1 and torch.get_num_threads() == 1
    assert available_threads() == 2  # the 1 is the tuner's choice, not the caller's
    assert ThreadTuner().candidates == [2, 1]  # so the next run tries both again


def test_a_count_the_caller_set_is_respected():
    torch.set_num_threads(1)
    assert ThreadTuner().candidates == [1]
