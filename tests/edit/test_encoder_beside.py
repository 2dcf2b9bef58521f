"""Where a run's own encoder lives (encoder.safetensors beside its checkpoint) and what training one costs."""

from __future__ import annotations

from helpers.foryou import tiny_generator

from productgan.edit.encoder import ENCODER_FILE_NAME, encoder_beside, estimate_training_seconds


def test_the_runs_encoder_is_found_beside_its_checkpoint_or_not_at_all(tmp_path):
    checkpoint = tmp_path / "checkpoint.safetensors"
    checkpoint.write_bytes(b"")
    assert encoder_beside(tmp_path) is None and encoder_beside(checkpoint) is None
    (tmp_path / ENCODER_FILE_NAME).write_bytes(b"")
    assert encoder_beside(tmp_path) == encoder_beside(checkpoint) == tmp_path / ENCODER_FILE_NAME


def test_the_training_estimate_is_the_time_per_step_times_the_steps():
    generator = tiny_generator()
    estimate = estimate_training_seconds(generator, steps=2000)
    assert 0 < estimate < 2000 * 5.0  # a 16 px width-8 generator: far under 5 s a step
    assert estimate_training_seconds(generator, steps=0) == 0
