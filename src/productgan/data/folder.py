"""A folder of images: flat (no attributes) or one sub-folder per class (column 'class')."""

from __future__ import annotations

from pathlib import Path

from productgan.data.catalog import Catalog, SkippedFile
from productgan.data.images import is_image_file, read_image_files
from productgan.data.paths import EntryRefused, resolve_catalog_entry

CLASS_COLUMN = "class"


def list_files(root: Path) -> list[Path]:
    """Every non-hidden regular file inside root (hidden folders pruned), sorted by relative path.

    Only what resolve_catalog_entry accepts: a file symlink leading outside root, a FIFO or a
    device is left out (scan_files says why), so no caller can read it by listing the folder.
    """
    return scan_files(root)[0]


def scan_files(root: Path) -> tuple[list[Path], list[SkippedFile]]:
    """(list_files(root), the entries refused with their reason), both sorted by relative path.

    Folder symlinks are not descended into (rglob does not follow them) and are not reported.
    """
    found, refused = [], []
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or path.is_dir():
            continue
        try:
            resolve_catalog_entry(root, relative.as_posix())
        except EntryRefused as refusal:
            refused.append(SkippedFile(str(path), refusal.reason))
            continue
        found.append(path)
    return found, refused


def not_an_image(path: Path) -> SkippedFile:
    return SkippedFile(str(path), f"not an image file extension ({path.suffix or 'no extension'})")


def read_folder(root: str | Path, resolution: int, channels: int) -> Catalog:
    """Read every image below root; with class sub-folders, the first-level folder name is the 'class'.

    In a folder with class sub-folders, images lying at the top level belong to no class and are
    skipped (with a reason) rather than mixed into the classes.
    """
    root = Path(root)
    files, skipped = scan_files(root)
    skipped += [not_an_image(path) for path in files if not is_image_file(path)]
    images = [path for path in files if is_image_file(path)]
    has_classes = any(len(path.relative_to(root).parts) > 1 for path in images)
    if has_classes:
        skipped += [
            SkippedFile(str(path), "image at the top level of a folder with class sub-folders; move it into one")
            for path in images
            if len(path.relative_to(root).parts) == 1
        ]
        images = [path for path in images if len(path.relative_to(root).parts) > 1]
    decoded = read_image_files(images, resolution, channels, source=str(root))
    kept = [images[i] for i in decoded.kept]
    table = {CLASS_COLUMN: [path.relative_to(root).parts[0] for path in kept]} if has_classes else {}
    return Catalog(
        images=decoded.stacked(resolution, channels),
        table=table,
        files=[str(path) for path in kept],
        skipped=skipped + decoded.skipped,
        source=str(root),
        original_sizes=decoded.original_sizes,
    )
