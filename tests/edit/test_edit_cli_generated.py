"""`productgan edit variants|clip|turntable|invert|train-encoder` on a tiny trained checkpoint."""

from __future__ import annotations

import json

import av
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.checkpoint import LATENT_ENCODER, kind_of, read_meta
from productgan.cli import app


@pytest.fixture(scope="module")
def run(trained_edit_model):
    return str(trained_edit_model.checkpoint)


@pytest.fixture(scope="module")
def photo(tmp_path_factory, trained_edit_model):
    path = tmp_path_factory.mktemp("photos") / "bag.jpg"
    image = trained_edit_model.catalog.images[0].repeat(4, axis=0).repeat(5, axis=1)
    Image.fromarray(image).save(path, quality=95)
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_variants_writes_a_grid_and_every_image(run, tmp_path, trained_edit_model):
    result = invoke("edit", "variants", run, "--attribute", "color", "--set", "backdrop=grey", "--n", "2",
                    "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} >= {"grid.png", "blue-0.png", "red-1.png", "variants.json"}
    summary = json.loads((tmp_path / "variants.json").read_text())
    assert summary["levels"] == ["blue", "green", "red"] and summary["held"] == [{"backdrop": "grey"}] * 2
    assert summary["captions"] == summary["levels"]  # the backdrop was asked for: nothing moves with a colour
    sheet = invoke("edit", "variants", run, "--attribute", "color", "--by", "backdrop", "--out", tmp_path / "s")
    assert sheet.exit_code == 0, sheet.output
    assert (tmp_path / "s" / "green-white.png").is_file()
    from PIL import Image as PILImage

    side = trained_edit_model.catalog.images.shape[1]
    grid = PILImage.open(tmp_path / "s" / "grid.png")  # 3 colours x 2 backdrops, labelled on both axes
    assert grid.width > 2 * (2 * (side + 2) + 2) and grid.height > 2 * (3 * (side + 2) + 2)


def test_clip_and_turntable_write_the_asked_frames(run, tmp_path):
    result = invoke("edit", "clip", run, "--from-seed", "1", "--to-seed", "2", "--from-set", "color=red",
                    "--to-set", "color=blue", "--frames", "9", "--out", tmp_path / "m.mp4")
    assert result.exit_code == 0, result.output
    with av.open(str(tmp_path / "m.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 9
    result = invoke("edit", "turntable", run, "--attribute", "backdrop", "--frames", "6", "--format", "gif",
                    "--out", tmp_path / "t.gif")
    assert result.exit_code == 0, result.output
    assert Image.open(tmp_path / "t.gif").n_frames == 6


@pytest.mark.parametrize("args, message", [
    (["turntable", "--out", "t.gif"], "needs a 'view' attribute"),
    (["clip", "--frames", "5", "--out", "c.avi"], "unknown clip format 'avi'"),
    (["clip", "--from-set", "color=pink", "--out", "c.gif"], "unknown level 'pink'"),
    (["variants", "--attribute", "size", "--out", "v"], "unknown attribute 'size'"),
])
def test_generated_edits_fail_with_one_clear_line(run, tmp_path, args, message):
    result = invoke("edit", args[0], run, *[tmp_path / a if a.endswith((".gif", ".avi")) or a == "v" else a
                                            for a in args[1:]])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_folder_outputs_default_to_a_folder_named_for_the_command(run, tmp_path, monkeypatch):
    """One rule for --out: commands that write a folder of images default to one named for them;
    a single file or a run folder is always named by the user."""
    monkeypatch.chdir(tmp_path)
    result = invoke("edit", "variants", run, "--attribute", "color", "--n", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "variants" / "grid.png").is_file()


def test_invert_writes_reconstruction_edits_and_metrics(run, photo, tmp_path):
    before = photo.read_bytes()
    # --edit is the option's name; --set, its old name, still feeds the same list
    result = invoke("edit", "invert", run, photo, "--edit", "color=*", "--set", "backdrop=grey", "--steps", "20",
                    "--restarts", "2", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"photo.png", "reconstruction.png", "inversion.json", "edit-color-blue.png",
            "edit-backdrop-grey.png"} <= names
    report = json.loads((tmp_path / "inversion.json").read_text())
    assert report["psnr"] > 10 and 0 < report["ssim"] <= 1 and report["final_error"] < report["start_error"]
    assert photo.read_bytes() == before


def test_invert_refuses_bad_photos_and_overwrites(run, photo, tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    huge = tmp_path / "huge.png"
    Image.new("1", (8000, 6000)).save(huge)  # 48 Mpx, a few kB on disk
    for path, message in ((text, "notes.png"), (huge, "huge.png"), (tmp_path / "missing.jpg", "missing.jpg")):
        result = invoke("edit", "invert", run, path, "--steps", "2", "--out", tmp_path / "out")
        assert result.exit_code == 2 and message in result.output, result.output
    Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(tmp_path / "photo.png")
    result = invoke("edit", "invert", run, tmp_path / "photo.png", "--steps", "2", "--out", tmp_path)
    assert result.exit_code == 2 and "would overwrite the input photo" in result.output


def test_train_encoder_then_invert_with_it(run, photo, tmp_path):
    result = invoke("edit", "train-encoder", run, "--steps", "5", "--out", tmp_path / "enc.safetensors")
    assert result.exit_code == 0, result.output
    assert kind_of(read_meta(tmp_path / "enc.safetensors")) is LATENT_ENCODER
    result = invoke("edit", "invert", run, photo, "--encoder", tmp_path / "enc.safetensors", "--steps", "3",
                    "--out", tmp_path / "inv")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "inv" / "inversion.json").read_text())
    assert report["photo"] == str(photo) and 0 < report["ssim"] <= 1 and report["psnr"] > 0
    reconstruction = np.asarray(Image.open(tmp_path / "inv" / "reconstruction.png"))
    assert reconstruction.shape == np.asarray(Image.open(tmp_path / "inv" / "photo.png")).shape
