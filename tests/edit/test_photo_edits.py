"""Classical edits of real photos: the product mask, recolouring, size and angle, white backgrounds."""

from __future__ import annotations


import cv2
import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, rgb2lab

from productgan.edit.colors import UnknownColor, parse_color
from productgan.edit.geometry import flip, rotate, scale, square, whiten_background
from productgan.edit.mask import product_mask, rough_product_masks
from productgan.edit.recolor import recolor

from helpers.photo import studio_photo


def mean_color_distance(image: np.ndarray, mask: np.ndarray, rgb: tuple[int, int, int]) -> float:
    mean = image[mask].mean(axis=0).reshape(1, 1, 3) / 255.0
    target = np.asarray(rgb, np.float64).reshape(1, 1, 3) / 255.0
    return float(deltaE_ciede2000(rgb2lab(mean), rgb2lab(target)).squeeze())


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_mask_finds_the_product_on_a_white_backdrop():
    photo, truth = studio_photo()
    assert iou(product_mask(photo), truth) > 0.95


def test_mask_keeps_background_enclosed_by_a_handle_out():
    photo, _ = studio_photo(160, 160)
    ring = np.zeros(photo.shape[:2], bool)
    ys, xs = np.mgrid[0:160, 0:160]
    radius = np.hypot(ys - 80, xs - 80)
    ring[(radius > 30) & (radius < 45)] = True
    photo = np.full_like(photo, 250)
    photo[ring] = (30, 30, 30)
    mask = product_mask(photo)
    assert not mask[80, 80], "the backdrop seen through a handle is background"
    assert mask[ring].mean() > 0.95


@pytest.mark.parametrize("target", ["red", "#F0CD28", "white"])
def test_recolor_moves_the_product_to_the_target_and_leaves_the_background(target):
    photo, truth = studio_photo()
    rgb = parse_color(target)
    edited = recolor(photo, target, mask=truth, region="whole")
    before, after = mean_color_distance(photo, truth, rgb), mean_color_distance(edited, truth, rgb)
    assert after < 5.0 < before, (before, after)
    assert np.array_equal(edited[~truth], photo[~truth]), "background must be bit-exact"


def test_recolor_keeps_the_shading_and_texture():
    photo, truth = studio_photo()
    edited = recolor(photo, "red", mask=truth, region="whole", keep_lightness=True)
    inside = cv2.erode(truth.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0  # away from the feathered edge
    lightness_before = rgb2lab(photo / 255.0)[..., 0][inside]
    lightness_after = rgb2lab(edited / 255.0)[..., 0][inside]
    assert np.corrcoef(lightness_before, lightness_after)[0, 1] > 0.95
    assert lightness_after.std() > 0.5 * lightness_before.std()


def test_recolor_dominant_region_spares_a_second_color():
    photo, truth = studio_photo()
    photo[truth & (np.arange(photo.shape[1])[None, :] < 40)] = (30, 30, 30)  # a black panel on the blue product
    edited = recolor(photo, "yellow", mask=truth)
    black = truth & (np.arange(photo.shape[1])[None, :] < 40)
    assert np.abs(edited[black].astype(int) - 30).max() <= 2, "the black panel is not the main colour"
    assert mean_color_distance(edited, truth & ~black, parse_color("yellow")) < 8.0


def test_unknown_color_is_a_clear_error():
    with pytest.raises(UnknownColor, match="unknown colour 'reddish'.*#RRGGBB"):
        parse_color("reddish")


@pytest.mark.parametrize("edit", [lambda p: rotate(p, 30), lambda p: scale(p, 0.6), lambda p: scale(p, 1.3),
                                  lambda p: flip(p, "vertical")])
def test_geometry_keeps_the_canvas(edit):
    photo, _ = studio_photo()
    edited = edit(photo)
    assert edited.shape == photo.shape and edited.dtype == np.uint8
    assert (edited[0, 0] >= 245).all(), "opened space is filled with the backdrop, not black"


def test_scale_changes_the_product_area_by_the_square_of_the_factor():
    photo, truth = studio_photo()
    smaller = product_mask(scale(photo, 0.5))
    assert smaller.sum() / truth.sum() == pytest.approx(0.25, rel=0.15)


def test_flip_twice_is_identity_and_rotation_by_zero_changes_nothing():
    photo, _ = studio_photo()
    assert np.array_equal(flip(flip(photo)), photo)
    assert np.abs(rotate(photo, 0).astype(int) - photo).max() <= 1


def test_whiten_and_square_give_a_pure_white_square():
    photo, truth = studio_photo()
    grey = photo.copy()
    grey[~truth] = (225, 228, 232)
    white = whiten_background(grey, truth)
    kernel = np.ones((9, 9), np.uint8)
    far_outside = cv2.erode((~truth).astype(np.uint8), kernel) > 0
    deep_inside = cv2.erode(truth.astype(np.uint8), kernel) > 0
    assert (white[far_outside] == 255).all()
    assert np.abs(white[deep_inside].astype(int) - grey[deep_inside]).max() <= 1
    squared = square(white)
    assert squared.shape[:2] == (max(photo.shape[:2]),) * 2
    assert (squared[:, 0] == 255).all()


def test_rough_masks_mark_what_differs_clearly_from_each_images_own_backdrop():
    images = np.full((2, 16, 16, 3), 245, np.uint8)
    images[0, 4:9, 5:12] = (205, 35, 40)  # a red product on the studio white
    images[0, 12:14, 2:4] = 215           # a shadow: 52 RGB units from the backdrop, under the threshold
    images[1] = 20                        # a dark backdrop, with a light product
    images[1, 2:6, 8:14] = 240
    masks = rough_product_masks(images)
    expected = np.zeros((2, 16, 16), bool)
    expected[0, 4:9, 5:12] = True
    expected[1, 2:6, 8:14] = True
    assert masks.shape == (2, 16, 16) and np.array_equal(masks, expected)
    assert rough_product_masks(images, threshold=40.0)[0, 12:14, 2:4].all()


def test_one_palette_a_color_name_is_the_rgb_the_builtin_catalog_draws():
    from productgan.data.builtin import BUILTIN_COLORS

    assert all(parse_color(name.upper()) == rgb for name, rgb in BUILTIN_COLORS.items())
    assert parse_color("grey") == parse_color("gray") and parse_color("navy") == (30, 40, 100)
