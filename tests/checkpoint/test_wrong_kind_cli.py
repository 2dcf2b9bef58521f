"""generate, serve, eval and enhance apply given the wrong kind of checkpoint (a file, or a run folder
holding one) answer with one line naming the file, the kind it is and the kind the command needs, and
exit 2 (a user error): no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.checkpoint import CHECKPOINT_NAME
from productgan.cli import app

DESCRIBED = {"gan": "a GAN (resnet) checkpoint", "enhancer": "an enhancer (sr4) checkpoint",
             "domain-classifier": "a domain classifier checkpoint", "latent-encoder": "a latent encoder checkpoint"}
# The command as the message names it -> its arguments around the checkpoint given.
GAN_COMMANDS = {
    "generate": lambda path, tmp: ["generate", str(path), "--out", str(tmp / "out")],
    "serve": lambda path, tmp: ["serve", str(path), "--device", "cpu"],
    "eval run": lambda path, tmp: ["eval", str(path), "--device", "cpu"],
}


@pytest.fixture(autouse=True)
def never_bind(monkeypatch):
    """A serve that wrongly got past loading would block in uvicorn; fail instead."""
    monkeypatch.setattr("productgan.serve.server.uvicorn.run", lambda *a, **k: pytest.fail("serve started"))


def refused(args: list[str], line: str, out: Path | None = None) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert [text for text in result.output.splitlines() if text.strip()] == [f"error: {line}"], result.output
    assert out is None or not out.exists()


def file_of(path: Path) -> Path:
    return path / CHECKPOINT_NAME if path.is_dir() else path


@pytest.mark.parametrize("kind", ["enhancer", "domain-classifier", "latent-encoder"])
@pytest.mark.parametrize("command", list(GAN_COMMANDS))
def test_gan_commands_name_the_kind_they_got_and_need(kind_files, tmp_path, command, kind):
    path = kind_files[kind]
    refused(GAN_COMMANDS[command](path, tmp_path), f"{file_of(path)} is {DESCRIBED[kind]}; {command} needs a GAN checkpoint",
            tmp_path / "out")


def test_serve_refuses_a_folder_of_runs_holding_an_enhancer(kind_files):
    """runs/ with a GAN run and an enhancer run, as BENCHMARKS lays them out: the enhancer is named."""
    runs = kind_files["enhancer"].parent
    assert (runs / "gan" / CHECKPOINT_NAME).is_file()
    refused(["serve", str(runs), "--device", "cpu"],
            f"{runs / 'enhance-sr4' / CHECKPOINT_NAME} is an enhancer (sr4) checkpoint; serve needs a GAN checkpoint")


@pytest.mark.parametrize("kind", ["gan", "domain-classifier", "latent-encoder"])
def test_enhance_apply_names_the_kind_it_got_and_needs(kind_files, tmp_path, kind):
    photo = tmp_path / "photo.png"
    Image.fromarray(np.full((16, 16, 3), 200, np.uint8)).save(photo)
    path = kind_files[kind]
    refused(["enhance", "apply", str(photo), "--task", "sr4", "--checkpoint", str(path), "--out", str(tmp_path / "out")],
            f"{file_of(path)} is {DESCRIBED[kind]}; enhance apply needs an enhancer checkpoint", tmp_path / "out")
