"""`enhance train` reads only the photos inside its catalog folder, like the GAN's catalog readers."""

from __future__ import annotations

import numpy as np
from PIL import Image

from productgan.enhance.photos import read_catalog_photos


def test_rows_outside_the_folder_are_skipped_with_the_reason_and_never_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(outside / "secret.png")
    root = tmp_path / "catalog"
    (root / "images").mkdir(parents=True)
    for i in range(2):
        Image.fromarray(np.random.default_rng(i).integers(0, 255, (64, 64, 3), np.uint8)).save(root / "images" / f"{i}.png")
    (root / "images" / "link.png").symlink_to(outside / "secret.png")
    (root / "attributes.csv").write_text("file,product\nimages/0.png,a\nimages/1.png,b\n../outside/secret.png,c\n"
                                         f"{outside / 'secret.png'},d\nimages/link.png,e\n")
    photos = read_catalog_photos(root, min_side=32)
    assert photos.files == ["images/0.png", "images/1.png"]
    assert len(photos.skipped) == 3 and all("line" in s.reason for s in photos.skipped)
