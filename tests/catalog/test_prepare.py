"""catalog prepare: outputs mirror the folder, bad files are named and skipped, inputs never change,
and a run stopped half way (a limit, a partial manifest line, a real kill) resumes without redoing
or losing work."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms
from typer.testing import CliRunner

from productgan.catalog import manifest
from productgan.catalog.prepare import PrepareConfig, prepare_catalog
from productgan.cli.app import app
from productgan.errors import ProductGANError
from productgan.photo_io import read_photo

from helpers.catalog import product_photo, tree_hashes, write_photos
from helpers.damage import darker

SRC = Path(__file__).resolve().parents[2] / "src"


def catalog(folder: Path, count: int = 4, side: int = 200) -> Path:
    photos = {f"{'sub/' if i % 2 else ''}p{i:02d}.{'jpg' if i % 3 else 'png'}": product_photo(side=side, fill=0.7)
              for i in range(count)}
    return write_photos(folder, photos)


def rows(out: Path) -> dict[str, dict]:
    return {row["input"]: row for row in csv.DictReader(open(out / manifest.NAME))}


def mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.suffix in (".jpg", ".png")}


def test_marketplace_outputs_mirror_the_folder_and_the_manifest_says_what_was_done(tmp_path):
    source = catalog(tmp_path / "photos", count=2)
    write_photos(source, {"sub/dark.png": darker(product_photo(side=300, fill=0.7))})
    (source / "sub" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    before = tree_hashes(source)
    result = prepare_catalog(PrepareConfig(source, tmp_path / "out", workers=1), progress=False)
    assert (result.counts["done"], result.counts["skipped"]) == (3, 1)
    assert [(name, status) for name, status, _ in result.problems] == [("sub/broken.png", "skipped")]
    table = rows(tmp_path / "out")
    assert set(table) == {"p00.png", "sub/p01.jpg", "sub/dark.png", "sub/broken.png"}
    assert table["sub/broken.png"]["status"] == "skipped" and "broken.png" in table["sub/broken.png"]["reason"]
    assert table["sub/dark.png"]["output"] == "sub/dark.jpg" and table["sub/dark.png"]["steps"] == "exposure"
    assert "underexposed" in table["sub/dark.png"]["why"]
    assert float(table["sub/dark.png"]["after_white_point"]) > float(table["sub/dark.png"]["before_white_point"])
    # x6: a Lanczos resize by default (the learned models: --upscaler shipped, below); the manifest names it
    assert table["p00.png"]["upscaler"] == "lanczos" and float(table["p00.png"]["seconds"]) > 0
    assert "by a Lanczos resize" in table["p00.png"]["warnings"]
    for row in table.values():
        if row["status"] == "done":
            image = read_photo(tmp_path / "out" / row["output"])
            assert image.shape == (1000, 1000, 3) and row["width_out"] == "1000"
    assert tree_hashes(source) == before  # inputs never modified


def test_web_preset_keeps_size_and_format_and_a_good_photo_unchanged(tmp_path):
    source = write_photos(tmp_path / "photos", {"a.png": product_photo(side=240)})
    prepare_catalog(PrepareConfig(source, tmp_path / "out", preset="web", workers=1), progress=False)
    assert np.array_equal(read_photo(tmp_path / "out" / "a.png"), read_photo(source / "a.png"))
    assert rows(tmp_path / "out")["a.png"]["steps"] == ""


def test_a_run_stopped_after_k_photos_resumes_without_redoing_them(tmp_path):
    source, out = catalog(tmp_path / "photos", count=6), tmp_path / "out"
    first = prepare_catalog(PrepareConfig(source, out, preset="web", workers=1, limit=2), progress=False)
    assert first.counts["done"] == 2 and len(rows(out)) == 2
    done_first = mtimes(out)
    time.sleep(0.02)
    second = prepare_catalog(PrepareConfig(source, out, preset="web", workers=1), progress=False)
    assert second.already_done == 2 and second.counts["done"] == 4
    after = mtimes(out)
    assert {name: after[name] for name in done_first} == done_first  # not redone
    assert len(after) == 6 and all(row["status"] == "done" for row in rows(out).values()) and len(rows(out)) == 6
    third = prepare_catalog(PrepareConfig(source, out, preset="web", workers=1), progress=False)
    assert third.already_done == 6 and sum(third.counts.values()) == 0


def test_a_row_cut_short_by_a_kill_is_redone_and_the_manifest_stays_readable(tmp_path):
    source, out = catalog(tmp_path / "photos", count=3), tmp_path / "out"
    prepare_catalog(PrepareConfig(source, out, preset="web", workers=1, limit=2), progress=False)
    text = (out / manifest.NAME).read_text()
    (out / manifest.NAME).write_text(text[:len(text) - 25])  # the last row half written
    result = prepare_catalog(PrepareConfig(source, out, preset="web", workers=1), progress=False)
    assert result.already_done == 1 and result.counts["done"] == 2
    assert len(rows(out)) == 3 and all(row["status"] == "done" for row in rows(out).values())


def test_a_done_row_whose_file_is_gone_is_redone(tmp_path):
    source, out = catalog(tmp_path / "photos", count=2), tmp_path / "out"
    prepare_catalog(PrepareConfig(source, out, preset="web", workers=1), progress=False)
    (out / "p00.png").unlink()
    result = prepare_catalog(PrepareConfig(source, out, preset="web", workers=1), progress=False)
    assert result.already_done == 1 and result.counts["done"] == 1 and (out / "p00.png").is_file()


@pytest.mark.slow
def test_two_workers_prepare_the_same_as_one(tmp_path):
    source = catalog(tmp_path / "photos", count=4)
    prepare_catalog(PrepareConfig(source, tmp_path / "one", preset="web", workers=1), progress=False)
    prepare_catalog(PrepareConfig(source, tmp_path / "two", preset="web", workers=2), progress=False)
    one, two = rows(tmp_path / "one"), rows(tmp_path / "two")
    assert set(one) == set(two) and all(two[k]["status"] == "done" for k in two)
    for name, row in one.items():
        assert np.array_equal(read_photo(tmp_path / "one" / row["output"]), read_photo(tmp_path / "two" / row["output"]))


def test_out_inside_the_catalog_is_refused(tmp_path):
    source = catalog(tmp_path / "photos", count=1)
    with pytest.raises(ProductGANError, match="inside the catalog"):
        prepare_catalog(PrepareConfig(source, source / "prepared"), progress=False)


def test_cli_prepare_reports_counts_and_skipped_files(tmp_path):
    source = catalog(tmp_path / "photos", count=2)
    (source / "empty.jpg").write_bytes(b"")
    result = CliRunner().invoke(app, ["catalog", "prepare", str(source), "--out", str(tmp_path / "out"),
                                      "--preset", "web", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "2 prepared, 1 skipped, 0 failed" in result.output and "empty.jpg" in result.output


@pytest.mark.slow
def test_a_killed_run_resumes_without_redoing_or_losing_work(tmp_path):
    """A real kill -9 of the whole process group half way through, then the same command again."""
    source, out = catalog(tmp_path / "photos", count=24, side=200), tmp_path / "out"
    command = [sys.executable, "-m", "productgan.cli", "catalog", "prepare", str(source), "--out", str(out),
               "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1"}
    run = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        if (out / manifest.NAME).is_file() and len(manifest.read_rows(out / manifest.NAME)) >= 3:
            break
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    killed = manifest.read_rows(out / manifest.NAME)
    assert 3 <= len(killed) < 24, "the run was not stopped half way; the test proves nothing"
    done_before = {row["output"]: (out / row["output"]).stat().st_mtime_ns for row in killed.values()}
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"({len(killed)} done by an earlier run, 24 photos in all)" in again.stdout
    final = rows(out)
    assert len(final) == 24 and all(row["status"] == "done" for row in final.values())
    assert {name: (out / name).stat().st_mtime_ns for name in done_before} == done_before  # not redone
    assert not list(out.rglob("*.tmp")), "a temporary of the killed run was left behind"
    for row in final.values():
        assert read_photo(out / row["output"]).shape == (1000, 1000, 3)  # every file whole


@pytest.mark.slow
def test_a_learned_sr_model_enlarges_small_photos_and_a_wrong_checkpoint_is_named(tmp_path):
    from helpers.enhance import trained_runs

    runs = trained_runs(tmp_path / "runs", ["sr2", "restore"], steps=2, products=3)
    source = catalog(tmp_path / "photos", count=1, side=300)
    prepare_catalog(PrepareConfig(source, tmp_path / "out", workers=1, sr_checkpoint=runs["sr2"]), progress=False)
    row = rows(tmp_path / "out")["p00.png"]
    assert row["status"] == "done" and "the learned x2 model" in row["warnings"]
    assert row["upscaler"] == f"{runs['sr2']}+lanczos"  # x4 asked of the x2 model given
    assert read_photo(tmp_path / "out" / row["output"]).shape == (1000, 1000, 3)
    with pytest.raises(ProductGANError, match="not super-resolution"):
        prepare_catalog(PrepareConfig(source, tmp_path / "out2", workers=1, sr_checkpoint=runs["restore"]), progress=False)


def test_cli_marketplace_uses_lanczos_by_default_and_the_shipped_models_when_asked(tmp_path):
    """--upscaler shipped: a photo needing x1.9 gets the shipped sr2, one needing x6 the shipped sr4
    then Lanczos; the default uses no model. The manifest's upscaler column says which, per photo."""
    source = write_photos(tmp_path / "photos", {"small.png": product_photo(side=200, fill=0.7),
                                                 "near.png": product_photo(side=560, fill=0.8)})
    runner = CliRunner()
    learned_run = runner.invoke(app, ["catalog", "prepare", str(source), "--out", str(tmp_path / "out"), "--workers", "1",
                                  "--upscaler", "shipped"])
    assert learned_run.exit_code == 0, learned_run.output
    table = rows(tmp_path / "out")
    assert table["near.png"]["upscaler"] == "shipped-sr2" and "learned x2 model" in table["near.png"]["warnings"]
    assert table["small.png"]["upscaler"] == "shipped-sr4+lanczos"
    lanczos = runner.invoke(app, ["catalog", "prepare", str(source), "--out", str(tmp_path / "lanczos"),
                                  "--workers", "1"])
    assert lanczos.exit_code == 0, lanczos.output
    assert {row["upscaler"] for row in rows(tmp_path / "lanczos").values()} == {"lanczos"}
    learned = read_photo(tmp_path / "out" / "near.jpg").astype(int)
    plain = read_photo(tmp_path / "lanczos" / "near.jpg").astype(int)
    assert learned.shape == plain.shape == (1000, 1000, 3) and np.abs(learned - plain).mean() > 0.1  # not the same pixels


def test_an_explicit_checkpoint_by_upscaler_or_the_older_sr_checkpoint(tmp_path):
    from productgan.enhance.shipped import shipped_path

    sr2 = shipped_path("sr2")  # any sr2 checkpoint file will do: the shipped one needs no training
    source = write_photos(tmp_path / "photos", {"p.png": product_photo(side=300, fill=0.7)})
    prepare_catalog(PrepareConfig(source, tmp_path / "new", workers=1, upscaler=str(sr2)), progress=False)
    prepare_catalog(PrepareConfig(source, tmp_path / "old", workers=1, sr_checkpoint=sr2), progress=False)
    for out in ("new", "old"):
        row = rows(tmp_path / out)["p.png"]
        assert row["status"] == "done" and row["upscaler"] == f"{sr2}+lanczos"  # x4 asked of an x2 model
        assert "the learned x2 model" in row["warnings"]
    with pytest.raises(ProductGANError, match="both choose the upscaler"):
        prepare_catalog(PrepareConfig(source, tmp_path / "both", upscaler="lanczos", sr_checkpoint=sr2), progress=False)
    with pytest.raises(ProductGANError, match="not super-resolution"):
        prepare_catalog(PrepareConfig(source, tmp_path / "restore", upscaler=str(shipped_path("restore"))),
                        progress=False)


def profile_description(path: Path) -> str | None:
    with Image.open(path) as image:
        icc = image.info.get("icc_profile")
    return None if not icc else ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.profile_description


def test_marketplace_jpegs_carry_an_srgb_profile_and_a_broken_input_profile_is_a_warning(tmp_path):
    source = catalog(tmp_path / "photos", count=1)
    Image.fromarray(product_photo(side=200, fill=0.7)).save(source / "tagged.png", icc_profile=b"\0" * 300)
    prepare_catalog(PrepareConfig(source, tmp_path / "out", workers=1), progress=False)
    assert "sRGB" in profile_description(tmp_path / "out" / "p00.jpg")
    table = rows(tmp_path / "out")
    assert table["tagged.png"]["status"] == "done"
    assert "tagged.png: its colour profile cannot be applied" in table["tagged.png"]["warnings"]
    prepare_catalog(PrepareConfig(source, tmp_path / "web", preset="web", workers=1), progress=False)
    assert profile_description(tmp_path / "web" / "p00.png") is None  # web keeps the photo as it was: no tag added
