"""The demo report's pictures from an existing demo checkpoint, for the docs.

`bench/demo_recipe.py` trains the demo's recipe and its candidates but writes no report; this draws
the same labelled pictures `productgan demo` puts in report.html (grid by category, by colour,
category x colour, six seeds of one product) from one of its runs, without training again.

    python bench/demo_pictures.py runs/demo-recipe/diversity-seed0 --out docs/demo
"""

from __future__ import annotations

import argparse
from pathlib import Path

from productgan.data import load_catalog
from productgan.demo import draw_sections
from productgan.generate import load_generator


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/demo"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog("builtin:catalog", resolution=32)
    for section in draw_sections(load_generator(args.run), catalog, args.out, args.seed):
        if section.png.exists():  # the memorisation sheet is the evaluation's, not drawn here
            print(f"{section.title}: {section.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
