"""train --eval-every: figures logged on schedule, best checkpoint kept, training itself unchanged."""

from __future__ import annotations

import json

import pytest
import torch

from helpers.train import tiny_config, two_color_catalog
from productgan.train import train
from productgan.checkpoint import load_tensors, read_meta


@pytest.fixture(scope="module")
def classifier_file(tmp_path_factory):
    """A quickly trained colour classifier, shared by the tests (training one is not what they test)."""
    from productgan.metrics.domain import train_domain_classifier

    classifier = train_domain_classifier(two_color_catalog(), ["color"], epochs=2, width=8, embedding_dim=32)
    return str(classifier.save(tmp_path_factory.mktemp("classifier") / "colour.safetensors"))


def test_eval_every_logs_figures_and_keeps_the_best_checkpoint(tmp_path, classifier_file):
    config = tiny_config(tmp_path / "run", eval_every_kimg=0.032, eval_n=32, eval_classifier=classifier_file)
    train(config, progress=False, catalog=two_color_catalog())
    lines = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    evals = [line for line in lines if "eval/fid" in line]
    assert len(evals) == 2  # at 32 and 64 images of a 64-image budget
    assert 0 < evals[0]["elapsed_s"] <= evals[1]["elapsed_s"]  # training time, for FID-against-minutes curves
    for line in evals:
        assert line["eval/fid"] >= 0 and line["eval/fid_floor"] >= 0 and 0 <= line["eval/accuracy_color"] <= 1
        assert 0 <= line["eval/accuracy_color_held_out_mix"] <= 1  # the figure its ceiling compares with
    best = read_meta(tmp_path / "run" / "best.safetensors")
    assert best.extra["best_fid"] == pytest.approx(min(line["eval/fid"] for line in evals))
    assert read_meta(tmp_path / "run").extra["best_fid"] == best.extra["best_fid"]


@pytest.mark.slow
def test_evaluation_does_not_change_what_is_trained(tmp_path, classifier_file):
    catalog = two_color_catalog()
    train(tiny_config(tmp_path / "plain"), progress=False, catalog=catalog)
    train(tiny_config(tmp_path / "evaluated", eval_every_kimg=0.032, eval_n=32, eval_classifier=classifier_file),
          progress=False, catalog=catalog)
    plain, evaluated = load_tensors(tmp_path / "plain"), load_tensors(tmp_path / "evaluated")
    for name, tensor in plain.items():
        if name.startswith("generator."):
            assert torch.equal(tensor, evaluated[name]), name


def test_no_checkpoint_drawn_mid_transition_is_kept_as_best(tmp_path, classifier_file):
    """Mid-transition the EMA draws with a weakened condition that no saved checkpoint uses."""
    from productgan.train.loop import Trainer

    def run(name, kimg):
        config = tiny_config(tmp_path / name, eval_every_kimg=0.016, eval_n=32, eval_classifier=classifier_file,
                             condition_transition_kimg=(0.0, 0.040))
        trainer = Trainer(config, progress=False, catalog=two_color_catalog())
        trainer.config.kimg = kimg  # a budget shorter than the transition is refused; an interrupt is not
        trainer.run()
        return [json.loads(line) for line in (tmp_path / name / "metrics.jsonl").read_text().splitlines()]

    stopped = run("stopped", 0.032)
    assert len([line for line in stopped if "eval/fid" in line]) == 2  # at 16 and 32 images, mid-transition
    assert not (tmp_path / "stopped" / "best.safetensors").exists()
    evals = [line for line in run("full", 0.064) if "eval/fid" in line]
    after = [line["eval/fid"] for line in evals if line["images_seen"] >= 48]  # the steps before ran at strength 1
    assert len(evals) == 4 and len(after) == 2
    assert read_meta(tmp_path / "full" / "best.safetensors").extra["best_fid"] == pytest.approx(min(after))
