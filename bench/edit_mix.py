"""The held-out mix of an edit bench already run: its per-level rows weighted as the classifier's holdout.

Why: `bench/edit_enhance.py` prints edit success on every level alike and, since the held-out mix
existed, beside it the mix its ceiling compares with. Results written before then hold the per-level
rows the mix is made of; this reads them and the same classifier (the checkpoint's cached one, or
`--classifier`), so an older bench need not be run again.

    python bench/edit_mix.py --generator RUN --results runs/ee-.../results.json
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from productgan.edit.measure_generated import load_setup
from productgan.metrics.conditional import held_out_mix
from productgan.metrics.domain import ceiling_by_level


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator", required=True, help="the run the bench measured (for its classifier and catalog)")
    parser.add_argument("--results", type=Path, required=True, help="the bench's results.json")
    parser.add_argument("--classifier", default=None, help="the classifier file the bench was given, if any")
    return parser.parse_args(argv)


def mixes(results: dict, ceilings: dict) -> dict[str, tuple[float, float | None]]:
    """Per attribute: (edit success on every level alike as the bench printed it, the held-out mix)."""
    per_level = defaultdict(dict)
    for row in results["variant_levels"]:
        per_level[row["attribute"]][row["level"]] = row["edit_success"]
    return {row["attribute"]: (row["edit_success"], held_out_mix(per_level[row["attribute"]],
                                                                 ceilings.get(row["attribute"], {})))
            for row in results["variants"]}


def main(argv=None) -> int:
    args = parse_args(argv)
    setup = load_setup(args.generator, args.classifier)
    ceilings = ceiling_by_level(setup.classifier, setup.catalog)
    if not ceilings:
        raise SystemExit(f"the classifier for {args.generator} has no per-level holdout: no mix to weigh by")
    for attribute, (alike, mix) in mixes(json.loads(args.results.read_text()), ceilings).items():
        shown = "none held out" if mix is None else f"{mix:.3f}"
        print(f"{attribute}: edit success {alike:.3f} every level alike, {shown} on the held-out mix")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
