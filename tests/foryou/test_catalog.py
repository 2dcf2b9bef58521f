"""Catalog items by id: ids and their spellings, the table's levels held fixed, the errors."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.foryou import tiny_catalog, tiny_generator

from productgan.data import Catalog
from productgan.errors import ProductGANError
from productgan.edit.encoder import EncoderConfig, LatentEncoder
from productgan.foryou import (
    CatalogItem, CatalogNotFoundError, CatalogPhotos, ForYouError, ForYouSettings, GeneratedItem,
    UnknownCatalogItemError, load_catalog_photos, parse_item, recommend,
)


@pytest.fixture(scope="module")
def generator():
    return tiny_generator()


def folder_catalog(files: list[str], colors: list[str]) -> Catalog:
    """A catalog as read from /shop: files are absolute paths below the source folder."""
    images = np.full((len(files), 16, 16, 3), 245, np.uint8)
    return Catalog(images=images, table={"color": colors, "category": ["tee"] * len(files)},
                   files=[f"/shop/{name}" for name in files], source="/shop")


def test_catalog_items_parse_and_describe_themselves():
    assert parse_item("catalog:mb01-blue-0") == CatalogItem("mb01-blue-0")
    assert parse_item("catalog:tops/a.jpg").describe() == "catalog:tops/a.jpg"
    with pytest.raises(ProductGANError, match="expected catalog:ID"):
        parse_item("catalog:")


def test_an_id_is_the_file_stem_and_the_name_and_path_are_accepted_too():
    photos = CatalogPhotos.of(folder_catalog(["images/mb01-blue-0.jpg", "images/mb02-red-0.jpg"], ["blue", "red"]))
    assert photos.ids == ["mb01-blue-0", "mb02-red-0"]
    for spelling in ("mb02-red-0", "mb02-red-0.jpg", "images/mb02-red-0.jpg"):
        assert photos.index(CatalogItem(spelling)) == 1


def test_a_stem_two_photos_share_gives_way_to_their_paths():
    photos = CatalogPhotos.of(folder_catalog(["tops/a.jpg", "bags/a.jpg", "bags/b.png"], ["red", "blue", "red"]))
    assert photos.ids == ["tops/a.jpg", "bags/a.jpg", "b"]
    assert photos.index(CatalogItem("bags/a.jpg")) == 1
    with pytest.raises(UnknownCatalogItemError, match=r"'a' names 2 photos \(tops/a.jpg, bags/a.jpg\)"):
        photos.index(CatalogItem("a"))


def test_builtin_and_in_memory_catalogs_name_images_by_index():
    photos = CatalogPhotos.of(tiny_catalog(products=3))
    assert photos.ids == [str(i) for i in range(6)] and photos.index(CatalogItem("4")) == 4


def test_an_unknown_id_names_close_matches():
    photos = CatalogPhotos.of(folder_catalog(["images/mb01-blue-0.jpg", "images/mb02-red-0.jpg"], ["blue", "red"]))
    with pytest.raises(UnknownCatalogItemError) as error:
        photos.index(CatalogItem("mb01-blue-1"))
    assert str(error.value) == ("catalog item 'mb01-blue-1' is not in the catalog /shop (2 photos); close matches: "
                                "mb01-blue-0, mb02-red-0")
    with pytest.raises(UnknownCatalogItemError, match=r"ids look like 'mb01-blue-0'"):
        photos.index(CatalogItem("zzzzzzzzzzzz"))


def test_a_catalog_photo_carries_the_tables_levels_the_model_knows(generator):
    catalog = folder_catalog(["a.jpg", "b.jpg"], ["blue", "purple"])  # purple: not a level of the model
    photos = CatalogPhotos.of(catalog)
    first, second = (photos.photo(CatalogItem(name), generator) for name in ("a", "b"))
    assert first.levels == {"color": "blue", "category": "tee"} and first.source == "catalog:a"
    assert second.levels == {"category": "tee"}  # the unknown level is read from the photo instead
    assert np.array_equal(first.image, catalog.images[0])


def test_recommend_places_a_catalog_item_with_its_table_levels_held_fixed(generator):
    catalog = tiny_catalog(products=8)
    photos = CatalogPhotos.of(catalog)
    encoder = LatentEncoder(EncoderConfig(16, 3, generator.latent_dim, 8, width=4)).eval()
    index = next(i for i in range(len(catalog)) if catalog.table["color"][i] == "green")
    result = recommend(generator, [CatalogItem(photos.ids[index]), GeneratedItem(1)],
                       settings=ForYouSettings(n=2, photo_steps=3), encoder=encoder, catalog=photos)
    placed = result.liked[0]
    assert placed.how == "inverted" and placed.item.describe() == f"catalog:{photos.ids[index]}"
    assert placed.levels == {"color": "green", "category": catalog.table["category"][index]}
    assert int(placed.labels[0]) == generator.levels["color"].index("green")
    assert result.report(generator)["liked"][0]["item"] == f"catalog:{photos.ids[index]}"


def test_a_catalog_item_without_a_catalog_is_refused(generator):
    with pytest.raises(ForYouError, match=r"liked item catalog:7 is a catalog item, and no catalog was given"):
        recommend(generator, [CatalogItem("7")])


def test_a_catalog_that_moved_names_the_path_tried_and_the_option(generator, tmp_path):
    with pytest.raises(CatalogNotFoundError) as error:
        load_catalog_photos(tmp_path / "unused.safetensors", generator, catalog_dir=tmp_path / "gone", hint="use --catalog DIR")
    message = str(error.value)
    assert str(tmp_path / "gone") in message and "(given)" in message and message.endswith("use --catalog DIR")
