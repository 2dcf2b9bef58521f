"""attributes.csv reader: columns become the table; bad rows and bad CSVs are reported clearly."""

from __future__ import annotations

import pytest

from helpers.data import RED, solid, write_csv, write_image
from productgan.data.load import load_catalog
from productgan.data.table import read_table
from productgan.errors import CatalogError


def shop_folder(root, names=("images/a.png", "images/b.png", "images/c.png")):
    for name in names:
        write_image(root / name, solid(8, 8, RED))
    return root


def test_columns_become_the_table_in_csv_order(tmp_path):
    shop_folder(tmp_path)
    write_csv(
        tmp_path,
        "\ufefffile, category ,color,name\n"  # BOM and padded header names, as spreadsheets write them
        'images/a.png,Bags, Red ,"Joust\n  Duffle Bag"\n'
        "images/b.png,Bags,,Fusion Backpack\n"
        '  images/c.png ,"Hoodies &\r\nSweatshirts",Blue,Chaz\n'
        "\n",
    )
    catalog = read_table(tmp_path, resolution=8, channels=3)
    assert list(catalog.table) == ["category", "color", "name"]
    assert catalog.table["category"] == ["Bags", "Bags", "Hoodies & Sweatshirts"]
    assert catalog.table["color"] == ["Red", "", "Blue"]  # empty cell -> '', whitespace stripped
    assert catalog.table["name"] == ["Joust Duffle Bag", "Fusion Backpack", "Chaz"]  # multi-line cell folded
    assert catalog.files == [str(tmp_path / "images" / n) for n in ("a.png", "b.png", "c.png")]
    assert catalog.images.shape == (3, 8, 8, 3)
    assert catalog.skipped == []


@pytest.mark.parametrize("column", ["file", "filename", "Image", "path"])
def test_accepted_names_for_the_file_column(tmp_path, column):
    shop_folder(tmp_path, ["a.png"])
    write_csv(tmp_path, f"color,{column}\nRed,a.png\n")
    catalog = read_table(tmp_path, 8, 3)
    assert catalog.table == {"color": ["Red"]}


def test_missing_unlisted_and_duplicate_files_are_reported(tmp_path):
    shop_folder(tmp_path, ["a.png", "b.png", "extra/unlisted.png"])
    (tmp_path / "notes.txt").write_text("not an image, not mentioned")
    write_csv(tmp_path, "file,color\na.png,Red\ngone.png,Blue\nb.png,Green\n./a.png,Black\n,Pink\n")
    catalog = read_table(tmp_path, 8, 3)
    assert catalog.table == {"color": ["Red", "Green"]}
    reasons = {s.path.replace(str(tmp_path), ""): s.reason for s in catalog.skipped}
    assert reasons == {
        "/gone.png": "listed in attributes.csv but not found",
        "/a.png": "listed twice in attributes.csv (first on line 2)",
        "/attributes.csv:6": "row in attributes.csv has no file name",
        "/extra/unlisted.png": "not listed in attributes.csv",
    }


def test_listed_but_broken_image_is_skipped_with_the_decoder_reason(tmp_path):
    shop_folder(tmp_path, ["a.png"])
    (tmp_path / "b.jpg").write_bytes(b"")
    write_csv(tmp_path, "file,color\na.png,Red\nb.jpg,Blue\n")
    catalog = read_table(tmp_path, 8, 3)
    assert catalog.table == {"color": ["Red"]}
    assert [(s.path, s.reason) for s in catalog.skipped] == [(str(tmp_path / "b.jpg"), "empty file (0 bytes)")]


def test_csv_without_a_file_column_names_the_csv_and_its_columns(tmp_path):
    shop_folder(tmp_path, ["a.png"])
    csv_path = write_csv(tmp_path, "picture,color\na.png,Red\n")
    with pytest.raises(CatalogError) as caught:
        read_table(tmp_path, 8, 3)
    message = str(caught.value)
    assert str(csv_path) in message and "picture, color" in message and "file, filename, image, path" in message


def test_duplicate_header_names_are_refused(tmp_path):
    write_csv(tmp_path, "file,color,Color,color\na.png,Red,red,RED\n")
    with pytest.raises(CatalogError, match="duplicate column name.*'color'"):
        read_table(tmp_path, 8, 3)


@pytest.mark.parametrize("text", ["", "\n\n", " , ,\n"])
def test_empty_csv_is_refused(tmp_path, text):
    write_csv(tmp_path, text)
    with pytest.raises(CatalogError, match="attributes.csv is empty"):
        read_table(tmp_path, 8, 3)


def test_row_with_an_unquoted_comma_is_refused_with_its_line(tmp_path):
    write_csv(tmp_path, "file,name\na.png,Bag, large\n")
    with pytest.raises(CatalogError, match="line 2 has 3 cells but the header has 2 columns"):
        read_table(tmp_path, 8, 3)


def test_trailing_empty_columns_and_short_rows_are_accepted(tmp_path):
    shop_folder(tmp_path, ["a.png", "b.png"])
    write_csv(tmp_path, "file,color,size,\na.png,Red,,\nb.png\n")
    catalog = read_table(tmp_path, 8, 3)
    assert catalog.table == {"color": ["Red", ""], "size": ["", ""]}


def test_unnamed_column_with_values_is_refused(tmp_path):
    write_csv(tmp_path, "file,,color\na.png,oops,Red\n")
    with pytest.raises(CatalogError, match="column 2 has values but no name"):
        read_table(tmp_path, 8, 3)


def test_non_utf8_csv_is_refused_with_a_hint(tmp_path):
    (tmp_path / "attributes.csv").write_bytes("file,color\na.png,Bleu fonc\u00e9\n".encode("latin-1"))
    with pytest.raises(CatalogError, match="not UTF-8"):
        read_table(tmp_path, 8, 3)


def test_luma_catalog(shared_datasets):
    """The real shop export: 611 photos, one missing colour, bags and watches among the categories."""
    luma = shared_datasets / "luma"
    catalog = load_catalog(luma, resolution=32, channels=3)
    assert len(catalog) + len(catalog.skipped) == 611
    assert len(catalog) >= 600
    assert catalog.images.shape[1:] == (32, 32, 3)
    assert list(catalog.table) == ["product", "gender", "category", "color", "material", "pattern", "view", "name"]
    assert catalog.table["color"].count("") == 1
    assert {"Bags", "Watches"} <= set(catalog.table["category"])
    assert not any("\n" in value for values in catalog.table.values() for value in values)
    assert set(catalog.original_sizes) == {(619, 768)}
    assert catalog.images[:, :2].mean() > 200  # white studio background survives padding and resizing
