"""Stopping a training run from outside: SIGTERM (a scheduler's kill) or Ctrl-C, checkpoint first.

Both arrive as a KeyboardInterrupt inside the loop (SIGTERM as its subclass Terminated); GracefulStop
ends the loop's block quietly and remembers which it was, so the loop writes its checkpoint, returns,
and the CLI exits 143 or 130 with a run that --resume continues exactly.
"""

from __future__ import annotations

import signal


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's kill), raised like Ctrl-C so the same path writes a checkpoint first."""

    exit_code = 143  # 128 + SIGTERM, what a shell reports for a process the signal ended


def stop_reason(error: KeyboardInterrupt) -> str:
    """How a run was stopped from outside: 'terminated' (SIGTERM) or 'interrupted' (Ctrl-C)."""
    return "terminated" if isinstance(error, Terminated) else "interrupted"


class GracefulStop:
    """`with GracefulStop() as stop: <the loop>`, then write the checkpoint; stop.reason says why the
    block ended: None (the loop finished), 'interrupted' (Ctrl-C) or 'terminated' (SIGTERM).

    SIGTERM is turned into Terminated only inside the block; outside it the previous handler is back.
    Off the main thread (inside a server) signals cannot be set and are left alone.
    """

    def __init__(self) -> None:
        self.reason: str | None = None
        self._previous = None

    def __enter__(self) -> "GracefulStop":
        def handler(signum, frame):  # noqa: ARG001
            raise Terminated
        try:
            self._previous = signal.signal(signal.SIGTERM, handler)
        except ValueError:  # not in the main thread: leave signals alone
            self._previous = None
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None
        if isinstance(error, KeyboardInterrupt):
            self.reason = stop_reason(error)
            return True  # swallowed: the caller writes its checkpoint and reports the reason
        return False
