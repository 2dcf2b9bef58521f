"""Simulated shoppers: "for you" beside random levels, the most frequent liked levels and retrieval.

    python bench/foryou_shoppers.py RUN [--classifier FILE] [--encoder FILE] [--shoppers 20] \
        [--disjunctive 20] [--no-dislikes] [--n 16] [--photo-steps 40] [--ks 1,3,10] [--level-photos 100] \
        [--device auto] [--out runs/foryou-bench]

RUN is a trained run (the demo's or a luma one); its catalog is read from its config at model
resolution. The domain classifier is --classifier, else the cached one `productgan eval` uses
(trained once when missing). The encoder is --encoder, else RUN/encoder.safetensors, else trained
here with --encoder-steps (announced, and saved there for `productgan foryou` and the server).
Shoppers: productgan/foryou/shoppers.py (a single-level group and a disjunctive group, liked and
disliked items by catalog id, so their levels are the catalog's); method and scores:
productgan/foryou/measure.py. A GAN trained on the whole catalog saw the held-out products: the
heading says so. Then how often placing a liked photo without its catalog levels reads them wrong
(a seeded sample of the liked photos). Prints Markdown tables; writes OUT/results.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from productgan.checkpoint import resolve_checkpoint
from productgan.edit.encoder import DEFAULT_ENCODER_STEPS, ENCODER_FILE_NAME, encoder_beside, load_encoder, train_encoder
from productgan.edit.measure_generated import load_setup
from productgan.foryou.measure import KS, Bench, level_errors, numbered, requests, run_shoppers
from productgan.foryou.shoppers import GROUPS, make_disjunctive_shoppers, make_shoppers
from productgan.progress import announce


def encoder_for(run: str, path: str | None, generator, steps: int):
    """--encoder, else the run's own, else one trained now and saved beside the checkpoint."""
    found = Path(path) if path else encoder_beside(run)
    if found is not None:
        return load_encoder(found, generator)
    target = Path(resolve_checkpoint(run)).parent / ENCODER_FILE_NAME
    announce(f"no latent encoder for {run}: training one ({steps} steps), saved to {target}")
    encoder = train_encoder(generator, steps, progress=True)
    encoder.save(target, generator.levels)
    return encoder


def table(rows: list[dict]) -> str:
    lines = ["| k | method | shoppers | match ↑ | coverage ↑ | held-out distance ↓ | held-out reach ↓ | near copy | "
             "s / request |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['k']} | {r['method']} | {r['shoppers']} | {r['match']:.3f} | {r['coverage']:.3f} | "
              f"{r['holdout_distance']:.4f} | {r['holdout_reach']:.4f} | {r['near_copy']:.3f} | {r['seconds']:.3f} |"
              for r in rows]
    return "\n".join(lines)


def errors_table(rows: list[dict]) -> str:
    lines = ["| attribute | liked photos | wrong: domain classifier's reading | wrong: closest catalog combination |",
             "|---|---|---|---|"]
    lines += [f"| {r['attribute']} | {r['photos']} | {r['wrong_classifier']:.3f} | {r['wrong_closest']:.3f} |"
              for r in rows]
    return "\n".join(lines)


def liked_sample(bench: Bench, shoppers: list, ks: tuple[int, ...], seed: int, count: int) -> list[int]:
    """A seeded sample of `count` of the distinct catalog photos the shoppers like."""
    liked = sorted({i for shopper, number in numbered(shoppers) for request in requests(bench, shopper, number, ks, seed)
                    for i in request.liked})
    return sorted(int(i) for i in np.random.default_rng(seed).permutation(liked)[:count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="run folder or checkpoint")
    parser.add_argument("--classifier", help="domain classifier file (default: the cached one eval uses)")
    parser.add_argument("--encoder", help=f"latent encoder file (default: RUN/{ENCODER_FILE_NAME}, else trained)")
    parser.add_argument("--encoder-steps", type=int, default=DEFAULT_ENCODER_STEPS, help="steps when an encoder is trained")
    parser.add_argument("--shoppers", type=int, default=20, help="simulated single-level shoppers")
    parser.add_argument("--disjunctive", type=int, default=20, help="simulated disjunctive shoppers")
    parser.add_argument("--no-dislikes", action="store_true", help="disjunctive shoppers dislike nothing")
    parser.add_argument("--n", type=int, default=16, help="images per request")
    parser.add_argument("--explore", type=float, default=0.3, help="for you's explore")
    parser.add_argument("--level-photos", type=int, default=100, help="liked photos whose levels are read without the table")
    parser.add_argument("--photo-steps", type=int, default=40, help="inversion steps placing each liked photo")
    parser.add_argument("--ks", default=",".join(map(str, KS)), help="liked items per shopper, comma-separated")
    parser.add_argument("--seed", type=int, default=0, help="seeds the shoppers, their likes and every method")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | mps")
    parser.add_argument("--out", default="runs/foryou-bench", help="folder for results.json")
    args = parser.parse_args()

    setup = load_setup(args.run, args.classifier, args.device)
    ks = tuple(int(k) for k in args.ks.split(","))
    encoder = encoder_for(args.run, args.encoder, setup.generator, args.encoder_steps)
    bench = Bench(setup.generator, setup.catalog, setup.classifier, encoder, n=args.n, photo_steps=args.photo_steps,
                  explore=args.explore, dislikes=not args.no_dislikes)
    names, min_items = setup.generator.names, 2 * max(ks) + 2
    shoppers = (make_shoppers(setup.catalog, names, args.shoppers, min_items, seed=args.seed)
                + make_disjunctive_shoppers(setup.catalog, names, args.disjunctive, min_items, seed=args.seed))
    sample = liked_sample(bench, shoppers, ks, args.seed, args.level_photos)
    errors = level_errors(bench, sample, seed=args.seed)
    print(f"#### liked photos placed without their catalog levels: {len(sample)} photos, classifier "
          f"{getattr(setup.classifier, 'name', 'given')}\n\n{errors_table(errors)}\n", flush=True)
    started = time.perf_counter()
    rows = run_shoppers(bench, shoppers, ks, seed=args.seed)
    seconds = time.perf_counter() - started
    heading = (f"{args.run}: n={args.n}, explore {args.explore}, photo steps {args.photo_steps}, liked and disliked "
               f"items by catalog id, {seconds:.0f} s for the shoppers; the GAN was trained on the whole catalog, "
               "held-out products included")
    print(f"### {heading}\n")
    for group in GROUPS:
        members = [s for s in shoppers if s.group == group]
        print(f"#### {group}: {len(members)} shoppers ({'; '.join(s.describe() for s in members[:2])}; ...)\n\n"
              f"{table([r for r in rows if r['group'] == group])}\n")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({
        "heading": heading, "shoppers": [{"group": s.group, "wants": s.wants, "never": s.never} for s in shoppers],
        "rows": rows, "level_errors": errors, "level_error_photos": sample}, indent=2))


if __name__ == "__main__":
    main()
