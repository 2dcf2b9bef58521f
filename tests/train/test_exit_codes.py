"""Exit codes say what happened to a training run: SIGTERM 143 and Ctrl-C 130 after the checkpoint is
written, a full disk one line naming the file with the previous checkpoint intact; a run that diverges
before its first checkpoint does not name one."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time

import pytest
import torch
from typer.testing import CliRunner

from helpers.cli import tiny_options, write_tiny_catalog
from helpers.train import tiny_config, two_color_catalog
from productgan import atomic
from productgan.cli import app
from productgan.errors import TrainingDiverged
from productgan.loop_kit import Terminated
from productgan.generate import load_generator
from productgan.train import loop as loop_module
from productgan.train import train
from productgan.checkpoint import load_tensors, read_meta



@pytest.fixture
def catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache"))
    return write_tiny_catalog(tmp_path / "catalog")


@pytest.mark.slow
def test_sigterm_exits_143_after_writing_a_loadable_checkpoint(tmp_path, catalog):
    run = tmp_path / "run"
    command = [sys.executable, "-m", "productgan.cli", "train", "--out", str(run), "--minutes", "5", *tiny_options(catalog)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "OMP_NUM_THREADS": "1"})
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None and not (run / "metrics.jsonl").exists():
        time.sleep(0.2)
    assert (run / "metrics.jsonl").exists(), process.communicate(timeout=5)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, (stdout[-1000:], stderr[-2000:])
    assert "terminated" in stdout
    assert read_meta(run / "checkpoint.safetensors").step >= 20
    generator = load_generator(run, device="cpu")
    assert generator.generate(2, seed=0, color="red").shape[0] == 2


def _stop_at_step(monkeypatch, step: int, error: type[BaseException]) -> None:
    original = loop_module.Trainer.train_step

    def train_step(self):
        if self.step == step:
            raise error
        return original(self)

    monkeypatch.setattr(loop_module.Trainer, "train_step", train_step)


def test_ctrl_c_exits_130_after_writing_the_checkpoint(tmp_path, monkeypatch, catalog):
    _stop_at_step(monkeypatch, 3, KeyboardInterrupt)
    result = CliRunner().invoke(app, ["train", "--out", str(tmp_path / "run"), "--kimg", "1", *tiny_options(catalog)])
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output
    assert read_meta(tmp_path / "run" / "checkpoint.safetensors").step == 3


def test_sigterm_inside_the_loop_is_reported_as_terminated(tmp_path, monkeypatch, catalog):
    _stop_at_step(monkeypatch, 2, Terminated)
    result = CliRunner().invoke(app, ["train", "--out", str(tmp_path / "run"), "--kimg", "1", *tiny_options(catalog)])
    assert result.exit_code == 143, result.output
    assert read_meta(tmp_path / "run" / "checkpoint.safetensors").step == 2


def test_a_full_disk_is_one_line_naming_the_file_and_the_previous_checkpoint_survives(tmp_path, monkeypatch, catalog):
    run = tmp_path / "run"
    first = CliRunner().invoke(app, ["train", "--out", str(run), "--kimg", "0.016", *tiny_options(catalog)])
    assert first.exit_code == 0, first.output
    before = load_tensors(run / "checkpoint.safetensors")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    result = CliRunner().invoke(app, ["train", "--out", str(run), "--kimg", "0.032", "--resume", *tiny_options(catalog)])
    monkeypatch.undo()
    assert result.exit_code == 74, result.output
    assert "Traceback" not in result.output
    message = result.stderr[result.stderr.index("error:"):].replace("\n", "")  # after the progress lines
    assert message.startswith(f"error: cannot write {run}") and message.endswith("No space left on device")
    assert read_meta(run / "checkpoint.safetensors").step == 2
    after = load_tensors(run / "checkpoint.safetensors")
    assert all(torch.equal(before[name], after[name]) for name in before)
    assert not [path for path in run.rglob("*.tmp")]


def _poison_discriminator_loss(monkeypatch, after_calls: int) -> None:
    real_loss = loop_module.discriminator_loss
    calls = {"n": 0}

    def poisoned(kind, real_logits, fake_logits):
        calls["n"] += 1
        loss = real_loss(kind, real_logits, fake_logits)
        return loss * float("nan") if calls["n"] > after_calls else loss

    monkeypatch.setattr(loop_module, "discriminator_loss", poisoned)


def test_divergence_before_the_first_checkpoint_names_no_checkpoint(tmp_path, monkeypatch):
    _poison_discriminator_loss(monkeypatch, after_calls=0)
    config = tiny_config(tmp_path / "run", kimg=1.0, checkpoint_every_kimg=0.5)
    with pytest.raises(TrainingDiverged) as caught:
        train(config, progress=False, catalog=two_color_catalog())
    message = str(caught.value)
    assert "No checkpoint was written yet" in message and "checkpoint.safetensors" not in message
    assert not (tmp_path / "run" / "checkpoint.safetensors").exists()


def test_divergence_after_a_checkpoint_names_it(tmp_path, monkeypatch):
    _poison_discriminator_loss(monkeypatch, after_calls=5)
    config = tiny_config(tmp_path / "run", kimg=1.0, checkpoint_every_kimg=0.032)
    with pytest.raises(TrainingDiverged, match="last good checkpoint is kept at .*checkpoint.safetensors"):
        train(config, progress=False, catalog=two_color_catalog())
    assert (tmp_path / "run" / "checkpoint.safetensors").exists()
