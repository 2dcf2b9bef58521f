"""Reading a user's photos and planning outputs: clear errors, and never overwriting an input."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from productgan.photo_io import PhotoError, map_photos, plan_outputs, read_photo


def write(path, size=(20, 16), color=(200, 10, 10)):
    Image.new("RGB", size, color).save(path)
    return path


def test_read_photo_keeps_the_full_size(tmp_path):
    image = read_photo(write(tmp_path / "a.png", (40, 30)))
    assert image.shape == (30, 40, 3) and image.dtype == np.uint8


def test_unreadable_and_oversized_photos_name_the_file(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    with pytest.raises(PhotoError, match="broken.jpg: not an image"):
        read_photo(broken)
    with pytest.raises(PhotoError, match="big.png: decompression bomb"):
        read_photo(write(tmp_path / "big.png", (200, 200)), max_pixels=10_000)


def test_outputs_never_overwrite_an_input(tmp_path):
    write(tmp_path / "shoe-classic.png")  # an output name that is also an input
    write(tmp_path / "shoe.png")
    with pytest.raises(PhotoError, match="would overwrite an input"):
        plan_outputs(tmp_path, tmp_path, suffix="classic")


def test_map_photos_skips_and_reports_bad_files(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    write(source / "good.png")
    (source / "bad.png").write_bytes(b"")
    report = map_photos(lambda image: 255 - image, source, tmp_path / "out", "inv", progress=False)
    assert [p.name for p in report.written] == ["good-inv.png"]
    assert report.skipped and "empty file" in report.skipped[0][1]
    assert read_photo(report.written[0])[0, 0].tolist() == [55, 245, 245]


def test_missing_source_and_empty_folder_are_clear(tmp_path):
    with pytest.raises(PhotoError, match="no such file"):
        plan_outputs(tmp_path / "nope", tmp_path, "x")
    with pytest.raises(PhotoError, match="no image files"):
        plan_outputs(tmp_path, tmp_path / "o", "x")


def test_refuse_overwrite_names_the_photo_an_output_would_replace(tmp_path):
    from productgan.errors import ProductGANError
    from productgan.photo_io import refuse_overwrite

    photo = tmp_path / "photo.png"
    photo.write_bytes(b"")
    refuse_overwrite(photo, tmp_path / "out", ["photo.png"])  # another folder: fine
    refuse_overwrite(photo, tmp_path, ["reconstruction.png"])  # another name: fine
    with pytest.raises(ProductGANError, match="would overwrite the input photo"):
        refuse_overwrite(photo, tmp_path / "sub" / "..", ["photo.png"])


def write_rgba(path, size=(24, 20)):
    """A half-transparent red square on a fully transparent (black underneath) canvas."""
    rgba = np.zeros((size[1], size[0], 4), np.uint8)
    rgba[4:16, 6:18] = (200, 10, 10, 255)
    rgba[4:16, 18:20] = (200, 10, 10, 128)
    Image.fromarray(rgba, "RGBA").save(path)
    return path, rgba


def test_read_photo_and_alpha_returns_the_alpha_and_colour_flattened_onto_white(tmp_path):
    from productgan.photo_io import read_photo_and_alpha

    path, rgba = write_rgba(tmp_path / "cut.png")
    rgb, alpha = read_photo_and_alpha(path)
    assert np.array_equal(alpha, rgba[..., 3])
    assert rgb[0, 0].tolist() == [255, 255, 255]  # transparent black reads as the white backdrop
    assert rgb[5, 7].tolist() == [200, 10, 10]
    assert np.array_equal(read_photo(path), rgb)  # read_photo: the same colour, no alpha


def test_read_photo_and_alpha_gives_none_for_an_opaque_photo_and_keeps_the_guards(tmp_path):
    from productgan.photo_io import read_photo_and_alpha

    assert read_photo_and_alpha(write(tmp_path / "a.png"))[1] is None
    path, _ = write_rgba(tmp_path / "big.png", (200, 200))
    with pytest.raises(PhotoError, match="big.png: decompression bomb"):
        read_photo_and_alpha(path, max_pixels=10_000)


def test_a_palette_png_with_a_transparent_entry_keeps_its_transparency(tmp_path):
    from productgan.photo_io import read_photo_and_alpha

    image = Image.new("P", (10, 10), 0)
    image.putpalette([0, 0, 0, 200, 10, 10] + [0] * 762)
    image.paste(1, (2, 2, 8, 8))
    image.save(tmp_path / "p.png", transparency=0)
    rgb, alpha = read_photo_and_alpha(tmp_path / "p.png")
    assert alpha[0, 0] == 0 and alpha[5, 5] == 255 and rgb[0, 0].tolist() == [255, 255, 255]


def test_write_photo_writes_rgba_png_and_refuses_rgba_jpeg(tmp_path):
    from productgan.photo_io import write_photo

    _, rgba = write_rgba(tmp_path / "cut.png")
    written = write_photo(rgba, tmp_path / "out.png")
    with Image.open(written) as image:
        assert image.mode == "RGBA" and np.array_equal(np.asarray(image), rgba)
    with pytest.raises(PhotoError, match="out.jpg: JPEG cannot hold transparency"):
        write_photo(rgba, tmp_path / "out.jpg")


def test_map_photos_with_alpha_hands_the_alpha_to_the_edit(tmp_path):
    path, rgba = write_rgba(tmp_path / "cut.png")
    write(tmp_path / "opaque.png")
    seen = {}

    def edit(image, alpha):
        seen[image.shape] = alpha
        return image if alpha is None else np.dstack([255 - image, alpha])

    report = map_photos(edit, tmp_path, tmp_path / "out", "inv", progress=False, with_alpha=True)
    assert len(report.written) == 2 and seen[(16, 20, 3)] is None
    with Image.open(tmp_path / "out" / "cut-inv.png") as image:
        assert image.mode == "RGBA" and np.array_equal(np.asarray(image)[..., 3], rgba[..., 3])


def test_an_upload_gives_its_alpha_too():
    from productgan.photo_io import photo_and_alpha_from_image, photo_from_image

    rgba = np.zeros((6, 8, 4), np.uint8)
    rgba[2:4, 2:6] = (10, 200, 10, 255)
    image = Image.fromarray(rgba, "RGBA")
    rgb, alpha = photo_and_alpha_from_image(image)
    assert np.array_equal(alpha, rgba[..., 3]) and rgb[0, 0].tolist() == [255, 255, 255]
    assert np.array_equal(photo_from_image(image), rgb)
    assert photo_and_alpha_from_image(Image.new("RGB", (4, 4)))[1] is None


def test_a_transparent_result_asked_for_as_jpeg_is_written_as_png_with_a_note(tmp_path):
    from productgan.photo_io import keep_transparency

    path, _ = write_rgba(tmp_path / "cut.png")
    seen = []

    def edit(image, alpha, source):
        seen.append(source.name)
        return np.dstack([image, alpha])

    report = map_photos(edit, path, tmp_path / "out", "x", fmt=".jpg", progress=False, with_alpha=True,
                        with_source=True)
    assert seen == ["cut.png"] and [p.name for p in report.written] == ["cut-x.png"]
    assert report.notes == ["cut-x.jpg: kept the transparency, which JPEG cannot hold: wrote cut-x.png"]
    rgba = np.zeros((4, 4, 4), np.uint8)
    with pytest.raises(PhotoError, match="cut.png: would overwrite an input photo"):
        keep_transparency(rgba, tmp_path / "cut.jpg", {path.resolve()}, [])
    assert keep_transparency(rgba[..., :3], tmp_path / "a.jpg", set(), []) == tmp_path / "a.jpg"  # RGB: as asked
