"""A run killed from outside (SIGTERM, as a scheduler does) leaves a checkpoint that resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from productgan.checkpoint import read_meta


@pytest.mark.slow
def test_sigterm_writes_checkpoint_and_resume_continues(tmp_path):
    run = tmp_path / "run"
    command = [sys.executable, "-m", "productgan.cli", "train", "--data", "builtin:catalog", "--out", str(run),
               "--resolution", "32", "--width", "8", "--batch", "8", "--minutes", "5", "--condition", "color",
               "--device", "cpu", "--checkpoint-every", "1000", "--sample-every", "1000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "OMP_NUM_THREADS": "1"})
    deadline = time.time() + 120
    while time.time() < deadline and not (run / "metrics.jsonl").exists():
        time.sleep(0.5)
    assert (run / "metrics.jsonl").exists(), process.communicate(timeout=5)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    first = read_meta(run / "checkpoint.safetensors")
    assert first.step >= 20
    resumed = subprocess.run(command[:command.index("--minutes")] + ["--kimg", str((first.images_seen + 80) / 1000),
                             "--resume", "--device", "cpu"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert read_meta(run / "checkpoint.safetensors").step == first.step + 10
