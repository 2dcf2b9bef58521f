"""Column names that collide with generation parameters, and control characters, are refused when a catalog is read."""

from __future__ import annotations

import inspect
import io

import numpy as np
import pytest
from rich.console import Console

from helpers.data import solid, write_csv, write_image
from productgan.data import Catalog, encode_conditions
from productgan.data.inspect import inspect_catalog, print_inspect_report
from productgan.data.load import load_catalog
from productgan.data.names import RESERVED_ATTRIBUTE_NAMES, printable
from productgan.data.table import read_attributes
from productgan.errors import AttributeLevelError, CatalogError
from productgan.generate import level_ids

CONTROL = ("\x00", "\x1b", "\x07", "\x9b", "\x7f", "\u202e")


def shop(root, csv_text: str, names=("a.png", "b.png")):
    for name in names:
        write_image(root / name, solid(8, 8))
    write_csv(root, csv_text)
    return root


def assert_no_control(text: str) -> None:
    assert not any(c in text for c in CONTROL), repr(text)


@pytest.mark.parametrize("name", ["n", "seed", "truncation", "self", "model", "attributes"])
def test_a_column_named_like_a_generation_parameter_is_refused(tmp_path, name):
    shop(tmp_path, f"file,color,{name}\na.png,Red,3\nb.png,Blue,4\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, resolution=8)
    message = str(caught.value)
    assert "attributes.csv" in message and repr(name) in message and "rename" in message


def test_reserved_names_cover_every_keyword_of_generation():
    """A new keyword on generate/inputs must be reserved too, or a column of that name breaks every request."""
    from productgan.generate import ProductGenerator

    for method in (ProductGenerator.generate, ProductGenerator.inputs):
        keywords = {p.name for p in inspect.signature(method).parameters.values() if p.kind != p.VAR_KEYWORD}
        assert keywords <= RESERVED_ATTRIBUTE_NAMES, keywords - RESERVED_ATTRIBUTE_NAMES


def test_names_that_only_resemble_reserved_ones_are_fine(tmp_path):
    shop(tmp_path, "file,Seed,model_name,n_pieces\na.png,x,y,1\nb.png,x,z,2\n")
    assert list(load_catalog(tmp_path, resolution=8).table) == ["Seed", "model_name", "n_pieces"]


def test_encode_conditions_refuses_a_reserved_name_from_any_reader():
    catalog = Catalog(images=np.zeros((2, 8, 8, 3), np.uint8), table={"seed": ["1", "2"]}, files=["a", "b"], source="x")
    with pytest.raises(CatalogError, match="'seed' is reserved"):
        encode_conditions(catalog, ["seed"])


@pytest.mark.parametrize("control", CONTROL)
def test_control_characters_in_a_column_name_are_refused_with_the_line(tmp_path, control):
    shop(tmp_path, f"file,col{control}or\na.png,Red\nb.png,Blue\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, resolution=8)
    message = str(caught.value)
    assert "attributes.csv line 1" in message and "column name" in message and "control character" in message
    assert_no_control(message)


@pytest.mark.parametrize("control", CONTROL)
def test_control_characters_in_a_level_are_refused_with_the_line(tmp_path, control):
    shop(tmp_path, f"file,color\na.png,Red\nb.png,Bl{control}ue\n")
    with pytest.raises(CatalogError) as caught:
        read_attributes(tmp_path / "attributes.csv")
    message = str(caught.value)
    assert "attributes.csv line 3" in message and "value" in message
    assert_no_control(message)


def test_an_ansi_sequence_in_a_value_never_reaches_the_message(tmp_path):
    shop(tmp_path, "file,color\na.png,\x1b[2J\x1b[31mRed\nb.png,Blue\n")
    with pytest.raises(CatalogError, match=r"\\x1b\[2J") as caught:
        load_catalog(tmp_path, resolution=8)
    assert_no_control(str(caught.value))


def test_nul_in_a_file_name_is_refused_not_a_traceback(tmp_path):
    shop(tmp_path, "file,color\na.png,Red\nb\x00.png,Blue\n")
    with pytest.raises(CatalogError, match="line 3"):
        load_catalog(tmp_path, resolution=8)


def test_tabs_inside_a_value_are_folded_to_a_space(tmp_path):
    shop(tmp_path, "file,color\na.png,Dark\tRed\nb.png,Blue\n")
    assert load_catalog(tmp_path, resolution=8).table["color"] == ["Dark Red", "Blue"]


def test_folder_names_with_escapes_are_skipped_and_shown_escaped(tmp_path):
    write_image(tmp_path / "bags" / "a.png", solid(8, 8))
    write_image(tmp_path / "sh\x1b[31moes" / "b.png", solid(8, 8))
    catalog = load_catalog(tmp_path, resolution=8)
    assert catalog.table == {"class": ["bags"]}
    assert "control characters" in catalog.skipped[0].reason

    report = inspect_catalog(tmp_path, resolution=8)
    out = io.StringIO()
    print_inspect_report(report, Console(file=out, color_system=None, width=300))
    printed = out.getvalue()
    assert "sh\\x1b[31moes" in printed
    assert_no_control(printed)


def test_a_catalog_of_only_escaped_names_fails_without_echoing_escapes(tmp_path):
    write_image(tmp_path / "x\x1b]0;pwned\x07.png", solid(8, 8))
    with pytest.raises(CatalogError, match="no usable image") as caught:
        load_catalog(tmp_path, resolution=8)
    assert_no_control(str(caught.value))


def test_unknown_level_messages_escape_the_model_vocabulary():
    with pytest.raises(AttributeLevelError) as caught:
        level_ids({"color": ["Red", "Bl\x1bue"]}, ["color"], {"color": "Green"})
    assert_no_control(str(caught.value))


def test_printable_escapes_only_control_characters():
    assert printable("Café \x1b[31m\x00\u202e") == "Café \\x1b[31m\\x00\\u202e"


def test_printable_keeps_text_newlines_and_tabs_when_asked():
    """The CLI's error lines keep their layout (formerly cli/common.printable); a value escapes them."""
    text = "skipped:\n\ta.png: too small — ünïcode"
    assert printable(text, keep_line_breaks=True) == text
    assert printable("\x9b31m", keep_line_breaks=True) == "\\x9b31m"  # C1 CSI, a one-byte escape on some terminals
    assert printable("\u202e\x1b", keep_line_breaks=True) == "\\u202e\\x1b"
    assert printable("a\nb\tc") == "a\\x0ab\\x09c"
