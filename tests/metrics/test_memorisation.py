"""Memorisation flags copies of training samples and leaves fresh samples mostly alone."""

import numpy as np
import pytest

from productgan.metrics.memorisation import memorisation, memorisation_sheet

DIM = 16


@pytest.fixture(scope="module")
def real_sets():
    rng = np.random.default_rng(0)
    return rng.normal(size=(600, DIM)), rng.normal(size=(300, DIM)), rng


@pytest.mark.parametrize("use_holdout", [True, False])
def test_exact_and_near_copies_are_flagged(real_sets, use_holdout):
    train, holdout, rng = real_sets
    copied = rng.choice(len(train), 100, replace=False)
    fake = train[copied] + rng.normal(scale=1e-3, size=(100, DIM))
    result = memorisation(train, fake, holdout if use_holdout else None)
    assert result.share == 1.0
    assert (result.train_indices[:, 0] == copied).all()
    assert result.reference == ("holdout" if use_holdout else "train leave-one-out")


@pytest.mark.parametrize("use_holdout", [True, False])
def test_fresh_samples_are_flagged_at_about_the_quantile(real_sets, use_holdout):
    train, holdout, rng = real_sets
    fresh = rng.normal(size=(400, DIM))
    result = memorisation(train, fresh, holdout if use_holdout else None, quantile=0.05)
    assert result.share < 0.15
    assert result.threshold > 0


def test_half_copied_set_is_flagged_about_half(real_sets):
    train, holdout, rng = real_sets
    fake = np.concatenate([train[:200], rng.normal(size=(200, DIM))])
    result = memorisation(train, fake, holdout)
    assert result.flagged[:200].all()
    assert result.share == pytest.approx(0.5, abs=0.06)


def test_threshold_is_the_quantile_of_holdout_distances():
    train = np.array([[0.0], [10.0], [20.0]])
    holdout = np.array([[1.0], [12.0], [24.0]])  # distances to train: 1, 2, 4
    result = memorisation(train, [[0.5], [5.0]], holdout, quantile=0.5, neighbours=2)
    assert result.threshold == pytest.approx(2.0)
    assert result.flagged.tolist() == [True, False]
    assert result.train_indices.tolist() == [[0, 1], [0, 1]]
    assert result.distances == pytest.approx([0.5, 5.0])
    assert result.summary()["memorisation_share"] == 0.5


def test_leave_one_out_ignores_each_training_row_itself():
    train = np.array([[0.0], [1.0], [3.0], [7.0]])  # nearest other row: 1, 1, 2, 4
    result = memorisation(train, [[3.0]], quantile=0.5, neighbours=1)
    assert result.threshold == pytest.approx(1.5)


def test_sheet_puts_each_sample_beside_its_nearest_training_images():
    rng = np.random.default_rng(1)
    train_images = rng.integers(0, 256, size=(20, 8, 8, 3), dtype=np.uint8)
    fake_images = rng.integers(0, 256, size=(6, 8, 8, 3), dtype=np.uint8)
    fake_images[4] = train_images[7]  # the copy: its row comes first
    flatten = lambda images: images.reshape(len(images), -1).astype(np.float64)  # noqa: E731
    result = memorisation(flatten(train_images), flatten(fake_images), neighbours=2)
    sheet = memorisation_sheet(fake_images, train_images, result, n=4)
    assert sheet.shape == (4 * 10 + 2, 3 * 10 + 2, 3) and sheet.dtype == np.uint8
    assert (sheet[2:10, 2:10] == fake_images[4]).all()
    assert (sheet[2:10, 12:20] == train_images[7]).all()
    assert (sheet[2:10, 22:30] == train_images[result.train_indices[4, 1]]).all()
    with pytest.raises(ValueError):
        memorisation_sheet(fake_images[:5], train_images, result)


def test_rejects_bad_quantile():
    with pytest.raises(ValueError):
        memorisation(np.zeros((5, 2)), np.zeros((3, 2)), quantile=1.0)
