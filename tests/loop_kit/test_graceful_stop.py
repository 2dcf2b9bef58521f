"""GracefulStop: SIGTERM or Ctrl-C end the block quietly and say which; other errors pass through."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from productgan.loop_kit import GracefulStop, Terminated


def test_sigterm_inside_the_block_stops_it_as_terminated_and_the_old_handler_comes_back():
    before = signal.getsignal(signal.SIGTERM)
    steps = 0
    with GracefulStop() as stop:
        for steps in range(1, 1000):
            if steps == 3:
                os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.001)
    assert stop.reason == "terminated" and steps < 1000 - 1
    assert signal.getsignal(signal.SIGTERM) is before


def test_ctrl_c_stops_the_block_as_interrupted():
    with GracefulStop() as stop:
        raise KeyboardInterrupt
    assert stop.reason == "interrupted"


def test_a_block_that_ends_by_itself_has_no_reason_and_other_errors_pass_through():
    with GracefulStop() as stop:
        pass
    assert stop.reason is None
    with pytest.raises(RuntimeError):
        with GracefulStop():
            raise RuntimeError("a real failure is not a stop request")


def test_terminated_exits_like_a_shell_after_sigterm():
    assert issubclass(Terminated, KeyboardInterrupt) and Terminated.exit_code == 143


def test_off_the_main_thread_signals_are_left_alone():
    before = signal.getsignal(signal.SIGTERM)
    outcome = {}

    def work():
        with GracefulStop() as stop:
            outcome["handler"] = signal.getsignal(signal.SIGTERM)
        outcome["reason"] = stop.reason

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == {"handler": before, "reason": None}
