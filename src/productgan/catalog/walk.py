"""The photos of a catalog folder, at any depth, and where each one's output goes."""

from __future__ import annotations

from pathlib import Path

from productgan.data.images import is_image_file
from productgan.errors import ProductGANError


def find_photos(root: str | Path) -> list[Path]:
    """Image files under `root` (any depth), sorted, as paths relative to root; hidden files and
    folders (.git, .cache, ._ files a Mac leaves) are not photos. A file root is itself."""
    root = Path(root)
    if not root.exists():
        raise ProductGANError(f"{root}: no such file or folder")
    if root.is_file():
        return [Path(root.name)]
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not is_image_file(path):
            continue
        if path.is_file():
            found.append(relative)
    return sorted(found)


def source_of(root: Path, relative: Path) -> Path:
    """The file a relative name from find_photos stands for (root may be that file itself)."""
    return root if root.is_file() else root / relative


def refuse_out_inside(source: Path, out: Path) -> None:
    """--out must be outside the catalog: outputs inside it would be read as inputs by the next run,
    and no output may ever land on an input."""
    source, out = source.resolve(), out.resolve()
    folder = source.parent if source.is_file() else source
    if out == folder or folder in out.parents:
        raise ProductGANError(f"--out {out} is inside the catalog {folder}; choose a folder outside it "
                              "(its outputs would be read as inputs by the next run)")
