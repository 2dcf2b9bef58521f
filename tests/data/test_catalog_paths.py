"""A catalog reads only regular files inside its own folder; anything else is skipped with its reason, never opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import productgan.data.images as images_module
from helpers.data import RED, solid, write_csv, write_image
from productgan.data.folder import list_files, read_folder
from productgan.data.inspect import inspect_catalog
from productgan.data.load import load_catalog
from productgan.data.paths import EntryMissing, EntryRefused, resolve_catalog_entry
from productgan.errors import CatalogError

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks and FIFOs")


@pytest.fixture
def decoded_paths(monkeypatch) -> list[str]:
    """Every path the image decoder is asked to open; the spy refuses to touch anything itself."""
    seen: list[str] = []
    real = images_module.load_image_with_size

    def spy(path, resolution, channels, **kwargs):
        seen.append(str(path))
        return real(path, resolution, channels, **kwargs)

    monkeypatch.setattr(images_module, "load_image_with_size", spy)
    return seen


@pytest.fixture
def hostile_shop(tmp_path) -> Path:
    """shop/ with two good images, an inside symlink, and CSV rows pointing everywhere else."""
    outside = write_image(tmp_path / "outside" / "x.png", solid(8, 8, RED))
    shop = tmp_path / "shop"
    write_image(shop / "images" / "a.png", solid(8, 8))
    write_image(shop / "images" / "b.png", solid(8, 8))
    (shop / "link-out.png").symlink_to(outside)
    (shop / "link-in.png").symlink_to(shop / "images" / "b.png")
    (shop / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(shop / "pipe.png")
    (shop / "linked-dir").symlink_to(tmp_path / "outside", target_is_directory=True)
    rows = [
        ("images/a.png", "Red"),
        ("link-in.png", "Blue"),
        ("../outside/x.png", "Green"),
        ("..\\outside\\x.png", "Green"),
        ("images/../../outside/x.png", "Green"),
        (str(outside), "Black"),
        ("/etc/passwd", "Black"),
        ("/proc/self/environ", "Black"),
        ("C:/Windows/win.ini", "Black"),
        ("link-out.png", "Pink"),
        ("linked-dir/x.png", "Pink"),
        ("zero.png", "Grey"),
        ("pipe.png", "Grey"),
        ("images", "Grey"),
    ]
    write_csv(shop, "file,color\n" + "".join(f"{file},{color}\n" for file, color in rows))
    return shop


def reasons_by_name(skipped) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in skipped}


@needs_symlinks
def test_rows_outside_the_catalog_are_skipped_with_their_reason_and_never_read(hostile_shop, decoded_paths):
    catalog = load_catalog(hostile_shop, resolution=8, channels=3)  # what train and data inspect call
    assert catalog.table == {"color": ["Red", "Blue"]}  # the inside file and the inside symlink still load
    assert [Path(f).name for f in catalog.files] == ["a.png", "b.png"]
    real_shop = hostile_shop.resolve()
    assert decoded_paths and all(Path(p).resolve().is_relative_to(real_shop) for p in decoded_paths)
    assert not any(Path(p).name in ("zero.png", "pipe.png") for p in decoded_paths)

    skipped = {s.path.replace(str(hostile_shop), "<shop>"): s.reason for s in catalog.skipped}
    assert "outside the catalog folder" in skipped["<shop>/../outside/x.png"]
    assert "outside the catalog folder" in skipped["<shop>/images/../../outside/x.png"]
    assert "absolute path" in skipped[str(hostile_shop.parent / "outside" / "x.png")]
    assert "absolute path" in skipped["/etc/passwd"]
    assert "absolute path" in skipped["/proc/self/environ"]
    assert "absolute path" in skipped["<shop>/C:/Windows/win.ini"]
    assert "symlink" in skipped["<shop>/link-out.png"] and "outside" in skipped["<shop>/link-out.png"]
    assert "outside" in skipped["<shop>/linked-dir/x.png"]
    assert "outside" in skipped["<shop>/zero.png"]  # /dev/zero is outside the folder too
    assert "not a regular file" in skipped["<shop>/pipe.png"]
    assert "folder" in skipped["<shop>/images"]
    assert all("line " in skipped[key] for key in ("/etc/passwd", "<shop>/pipe.png"))  # the row is named


@needs_symlinks
def test_inspect_reports_the_refused_rows(hostile_shop):
    report = inspect_catalog(hostile_shop, resolution=8, channels=3)
    assert report.image_count == 2
    reasons = {s.path: s.reason for s in report.skipped}
    assert "absolute path" in reasons["/etc/passwd"]
    assert any("symlink" in reason for reason in reasons.values())


@needs_symlinks
def test_a_catalog_of_only_outside_rows_is_a_clear_error(tmp_path, decoded_paths):
    write_image(tmp_path / "outside.png", solid(8, 8))
    shop = tmp_path / "shop"
    shop.mkdir()
    write_csv(shop, "file,color\n../outside.png,Red\n/etc/passwd,Blue\n")
    with pytest.raises(CatalogError, match="no usable image") as caught:
        load_catalog(shop, resolution=8)
    assert "outside the catalog folder" in str(caught.value) and "absolute path" in str(caught.value)
    assert decoded_paths == []


@needs_symlinks
def test_a_symlinked_catalog_folder_is_fine_and_lists_nothing_twice(tmp_path):
    shop = tmp_path / "shop"
    write_image(shop / "a.png", solid(8, 8))
    write_csv(shop, "file,color\na.png,Red\n")
    (tmp_path / "link-to-shop").symlink_to(shop, target_is_directory=True)
    catalog = load_catalog(tmp_path / "link-to-shop", resolution=8)
    assert catalog.table == {"color": ["Red"]} and catalog.skipped == []


@needs_symlinks
def test_folder_reader_skips_symlinks_leading_outside_and_fifos(tmp_path, decoded_paths):
    outside = write_image(tmp_path / "outside" / "secret.png", solid(8, 8))
    shop = tmp_path / "shop"
    write_image(shop / "bags" / "a.png", solid(8, 8))
    (shop / "bags" / "secret.png").symlink_to(outside)
    (shop / "bags" / "zero.png").symlink_to("/dev/zero")
    write_image(shop / "shoes" / "b.png", solid(8, 8))
    (shop / "shoes" / "inside.png").symlink_to(shop / "bags" / "a.png")
    os.mkfifo(shop / "shoes" / "pipe.png")
    (shop / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)

    catalog = read_folder(shop, resolution=8, channels=3)
    assert sorted(Path(f).name for f in catalog.files) == ["a.png", "b.png", "inside.png"]
    reasons = reasons_by_name(catalog.skipped)
    assert "outside the catalog folder" in reasons["secret.png"]
    assert "outside the catalog folder" in reasons["zero.png"]
    assert "not a regular file" in reasons["pipe.png"]
    assert "linked" not in reasons  # folder symlinks are not followed at all
    assert not any(Path(p).name in ("secret.png", "zero.png", "pipe.png") for p in decoded_paths)
    assert {p.name for p in list_files(shop)} == {"a.png", "b.png", "inside.png"}  # what other callers list


@pytest.mark.parametrize(
    "written, reason",
    [
        ("../x.png", "outside the catalog folder"),
        ("a/../../x.png", "outside the catalog folder"),
        ("/etc/passwd", "absolute path"),
        ("\\\\server\\share\\x.png", "absolute path"),
        ("D:\\photos\\x.png", "absolute path"),
        ("a\x00.png", "control characters"),
        ("a\x1b[2J.png", "control characters"),
        ("missing.png", "not found"),
        (".", "a folder"),
    ],
)
def test_resolve_catalog_entry_refuses_with_a_reason(tmp_path, written, reason):
    with pytest.raises(EntryRefused) as caught:
        resolve_catalog_entry(tmp_path, written)
    assert reason in caught.value.reason
    assert "\x1b" not in str(caught.value) and "\x00" not in str(caught.value)


def test_resolve_catalog_entry_returns_the_real_inside_path(tmp_path):
    write_image(tmp_path / "images" / "a.png", solid(8, 8))
    assert resolve_catalog_entry(tmp_path, "images\\.\\a.png") == (tmp_path / "images" / "a.png").resolve()
    assert resolve_catalog_entry(tmp_path, "images/../images/a.png") == (tmp_path / "images" / "a.png").resolve()
    with pytest.raises(EntryMissing):
        resolve_catalog_entry(tmp_path, "images/b.png")


@needs_symlinks
@pytest.mark.parametrize("kind", ["device", "fifo", "device-symlink"])
def test_a_device_or_fifo_given_as_the_catalog_is_a_clear_error(tmp_path, kind):
    if kind == "fifo":
        spec = tmp_path / "pipe"
        os.mkfifo(spec)
    elif kind == "device-symlink":
        spec = tmp_path / "train-images-idx3-ubyte"
        spec.symlink_to("/dev/zero")
    else:
        spec = Path("/dev/zero")
    with pytest.raises(CatalogError, match="is not a file or folder"):
        load_catalog(spec, resolution=8)
    with pytest.raises(CatalogError, match="is not a file or folder"):
        inspect_catalog(str(spec), resolution=8)


@needs_symlinks
@pytest.mark.parametrize("target", ["outside", "fifo"])
def test_an_attributes_csv_leading_outside_or_to_a_fifo_is_refused(tmp_path, target):
    shop = tmp_path / "shop"
    write_image(shop / "a.png", solid(8, 8))
    if target == "fifo":
        os.mkfifo(shop / "attributes.csv")  # the folder reader takes over: the FIFO is listed, never opened
        catalog = load_catalog(shop, resolution=8)
        assert "not a regular file" in reasons_by_name(catalog.skipped)["attributes.csv"]
        return
    write_csv(tmp_path, "file,color\na.png,Red\n", name="elsewhere.csv")
    (shop / "attributes.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(CatalogError, match="attributes.csv: a symlink to .*outside the catalog folder"):
        load_catalog(shop, resolution=8)


_PATH_PIECES = st.sampled_from(["..", ".", "a.png", "images", "/", "\\", "C:", "\x00", "\x1b", "~", "//", "link", "é"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PATH_PIECES | st.text(max_size=4), max_size=8))
def test_any_written_path_resolves_inside_the_root_or_is_refused(tmp_path, pieces):
    """Whatever a CSV cell holds, the answer is a regular file inside the catalog or EntryRefused, nothing else."""
    root = tmp_path / "shop"
    if not root.exists():
        write_image(root / "images" / "a.png", solid(8, 8))
        write_image(tmp_path / "a.png", solid(8, 8))  # a real file one level up, as bait
        (root / "link").symlink_to(tmp_path, target_is_directory=True)
    try:
        resolved = resolve_catalog_entry(root, "".join(pieces))
    except EntryRefused as refusal:
        assert_no_control_characters(str(refusal))
        return
    assert resolved.is_relative_to(root.resolve()) and resolved.is_file()


def assert_no_control_characters(text: str) -> None:
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text), repr(text)
