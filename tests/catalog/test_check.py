"""catalog check: each rule finds its breach on a synthetic photo, alone, and a good photo passes."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from productgan.catalog.check import check_folder, check_image, write_check_csv
from productgan.catalog.presets import PRESETS
from productgan.cli.app import app

from helpers.catalog import product_photo, write_photos
from helpers.damage import blurred, darker

MARKETPLACE = PRESETS["marketplace"]

CASES = {
    "good": (lambda: product_photo(), set()),
    "small image": (lambda: product_photo(side=600), {"too_small"}),
    "off-centre": (lambda: product_photo(fill=0.6, centre=(0.3, 0.5)), {"off_centre"}),
    "small product": (lambda: product_photo(fill=0.4), {"product_small"}),
    "dark": (lambda: darker(product_photo()), {"too_dark", "background"}),  # a dark shot's backdrop is grey too
    "dim": (lambda: darker(product_photo(), 0.45), {"too_dark", "background"}),  # backdrop at L 48: still one
    "blurred": (lambda: blurred(product_photo(), 3.0), {"blurred"}),
    "grey background": (lambda: product_photo(backdrop=235), {"background"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_finds_its_breach_alone(case):
    make, expected = CASES[case]
    result = check_image(make(), MARKETPLACE)
    assert {b.rule for b in result.breaches} == expected, result.reasons()
    assert result.ok == (not expected)


def test_reasons_say_what_is_wrong_with_figures():
    off = check_image(product_photo(fill=0.6, centre=(0.3, 0.5)), MARKETPLACE).reasons()
    assert "off-centre" in off and "20% of the width left of the middle" in off
    small = check_image(product_photo(side=600), MARKETPLACE).reasons()
    assert "600 x 600 px" in small and "1000" in small
    grey = check_image(product_photo(backdrop=235), MARKETPLACE).reasons()
    assert "background not white" in grey and "235,235,235" in grey


def test_web_preset_checks_only_what_auto_fixing_cannot():
    assert check_image(product_photo(side=600, fill=0.4, backdrop=235), PRESETS["web"]).ok
    assert [b.rule for b in check_image(blurred(product_photo(side=600), 3.0), PRESETS["web"]).breaches] == ["blurred"]


@pytest.fixture()
def folder(tmp_path):
    return write_photos(tmp_path / "photos", {"good.png": product_photo(), "sub/small.jpg": product_photo(side=600)})


def test_check_folder_goes_into_sub_folders_and_names_a_corrupt_file(folder, tmp_path):
    (folder / "sub" / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    results = check_folder(folder, MARKETPLACE, progress=False)
    verdicts = {str(r.photo): {b.rule for b in r.breaches} for r in results}
    assert verdicts == {"good.png": set(), "sub/small.jpg": {"too_small"}, "sub/broken.jpg": {"unreadable"}}
    rows = list(csv.DictReader(open(write_check_csv(results, tmp_path / "check.csv"))))
    assert [(r["photo"], r["ok"], r["rules"]) for r in rows] == [
        ("good.png", "yes", ""), ("sub/broken.jpg", "no", "unreadable"), ("sub/small.jpg", "no", "too_small")]
    assert float(rows[0]["sharpness"]) > 1 and rows[2]["width"] == "600"


def test_cli_check_prints_a_table_writes_csv_and_exits_1_on_breaches(folder, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["catalog", "check", str(folder), "--csv", str(tmp_path / "c.csv"), "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert "sub/small.jpg" in result.output and "too_small" in result.output and "1 of 2 photos pass" in result.output
    assert (tmp_path / "c.csv").is_file()
    (folder / "sub" / "small.jpg").unlink()
    assert runner.invoke(app, ["catalog", "check", str(folder), "--workers", "1"]).exit_code == 0


def test_cli_check_refuses_an_unknown_preset(folder):
    result = CliRunner().invoke(app, ["catalog", "check", str(folder), "--preset", "amazon"])
    assert result.exit_code == 2 and "unknown preset 'amazon'" in result.output
