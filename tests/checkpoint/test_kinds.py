"""Every checkpoint names its kind, and read_meta(path, expect=KIND) takes that kind only: another kind
is one line naming the file, the kind it is and the kind needed; another architecture version is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers.checkpoint import rewrite

from productgan.checkpoint import CHECKPOINT_NAME, GAN, KINDS, kind_of, read_meta
from productgan.errors import CheckpointError, CheckpointKindError
from productgan.generate import load_generator

DESCRIBED = {"gan": "a GAN (resnet) checkpoint", "enhancer": "an enhancer (sr4) checkpoint",
             "domain-classifier": "a domain classifier checkpoint", "latent-encoder": "a latent encoder checkpoint"}


def file_of(path: Path) -> Path:
    return path / CHECKPOINT_NAME if path.is_dir() else path


def test_every_writer_stamps_its_kind_and_architecture_version(kind_files):
    for name, path in kind_files.items():
        kind = KINDS[name]
        meta = read_meta(path, expect=kind)  # a run folder resolves to its file
        assert meta.extra["kind"] == name and kind_of(meta) is kind
        assert meta.extra["architecture_version"] == kind.versions[kind.family(meta)]
        assert kind.described(meta) == DESCRIBED[name]


@pytest.mark.parametrize("found, needed", [(found, needed) for found in KINDS for needed in KINDS if found != needed])
def test_another_kind_is_one_line_naming_the_file_and_both_kinds(kind_files, found, needed):
    path = file_of(kind_files[found])
    with pytest.raises(CheckpointKindError) as caught:
        read_meta(path, expect=KINDS[needed])
    assert str(caught.value) == f"{path} is {DESCRIBED[found]}, not {KINDS[needed].described()}"


def test_a_file_without_a_kind_reads_as_a_gan(kind_files, tmp_path):
    """Files written before kinds were recorded still load; they are GANs, by `productgan train`."""
    old = rewrite(file_of(kind_files["gan"]), tmp_path / "old.safetensors", lambda meta: meta["extra"].pop("kind"))
    assert kind_of(read_meta(old, expect=GAN)) is GAN
    assert load_generator(old).generate(1, seed=0).shape == (1, 32, 32, 3)
    with pytest.raises(CheckpointKindError, match="old.safetensors is a GAN \\(resnet\\) checkpoint, not an enhancer"):
        read_meta(old, expect=KINDS["enhancer"])


def test_an_unknown_kind_is_named_and_refused(kind_files, tmp_path):
    odd = rewrite(file_of(kind_files["gan"]), tmp_path / "odd.safetensors", lambda meta: meta["extra"].update(kind="hologram"))
    with pytest.raises(CheckpointKindError) as caught:
        load_generator(odd)
    assert str(caught.value) == f"{odd} is a checkpoint of unknown kind 'hologram', not a GAN checkpoint"


@pytest.mark.parametrize("name", list(KINDS))
def test_weights_of_another_architecture_version_are_refused(kind_files, monkeypatch, name):
    kind, path = KINDS[name], kind_files[name]
    meta = read_meta(path)
    family, saved = kind.family(meta), meta.extra["architecture_version"]
    monkeypatch.setitem(kind.versions, family, 99)
    with pytest.raises(CheckpointError, match=f"architecture version {saved} .* this code builds {family} version 99") as caught:
        read_meta(path, expect=kind)
    assert "\n" not in str(caught.value) and str(file_of(path)) in str(caught.value)


@pytest.mark.slow
def test_generation_does_not_import_training():
    """Checkpoint I/O lives outside train/, so sampling loads neither the loop nor its dependencies."""
    code = "import sys, productgan.generate; print(sorted(m for m in sys.modules if m.startswith('productgan.train')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
