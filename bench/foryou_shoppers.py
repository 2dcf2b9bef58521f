"""Simulated shoppers: "for you" beside random levels, the most frequent liked levels and retrieval.

    python bench/foryou_shoppers.py RUN [--classifier FILE] [--encoder FILE] [--shoppers 20] [--n 8] \
        [--photo-steps 40] [--ks 1,3,10] [--device auto] [--out runs/foryou-bench]

RUN is a trained run (the demo's or a luma one); its catalog is read from its config at model
resolution. The domain classifier is --classifier, else the cached one `productgan eval` uses
(trained once when missing). The encoder is --encoder, else RUN/encoder.safetensors, else trained
here with --encoder-steps (announced, and saved there for `productgan foryou` and the server).
Method and scores: productgan/foryou/measure.py. A GAN trained on the whole catalog saw the
held-out products: the heading says so. Prints a Markdown table; writes OUT/results.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from productgan.checkpoint import resolve_checkpoint
from productgan.edit.encoder import DEFAULT_ENCODER_STEPS, ENCODER_FILE_NAME, encoder_beside, load_encoder, train_encoder
from productgan.edit.measure_generated import load_setup
from productgan.foryou.measure import KS, Bench, make_shoppers, run_shoppers
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
    lines = ["| k | method | shoppers | match (higher better) | held-out distance (lower better) | near copy | s / request |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['k']} | {r['method']} | {r['shoppers']} | {r['match']:.3f} | {r['holdout_distance']:.4f} | "
              f"{r['near_copy']:.3f} | {r['seconds']:.3f} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="run folder or checkpoint")
    parser.add_argument("--classifier", help="domain classifier file (default: the cached one eval uses)")
    parser.add_argument("--encoder", help=f"latent encoder file (default: RUN/{ENCODER_FILE_NAME}, else trained)")
    parser.add_argument("--encoder-steps", type=int, default=DEFAULT_ENCODER_STEPS, help="steps when an encoder is trained")
    parser.add_argument("--shoppers", type=int, default=20, help="simulated shoppers")
    parser.add_argument("--n", type=int, default=8, help="images per request")
    parser.add_argument("--photo-steps", type=int, default=40, help="inversion steps placing each liked photo")
    parser.add_argument("--ks", default=",".join(map(str, KS)), help="liked items per shopper, comma-separated")
    parser.add_argument("--seed", type=int, default=0, help="seeds the shoppers, their likes and every method")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | mps")
    parser.add_argument("--out", default="runs/foryou-bench", help="folder for results.json")
    args = parser.parse_args()

    setup = load_setup(args.run, args.classifier, args.device)
    ks = tuple(int(k) for k in args.ks.split(","))
    encoder = encoder_for(args.run, args.encoder, setup.generator, args.encoder_steps)
    bench = Bench(setup.generator, setup.catalog, setup.classifier, encoder, n=args.n, photo_steps=args.photo_steps)
    shoppers = make_shoppers(setup.catalog, setup.generator.names, args.shoppers, min_items=2 * max(ks) + 2, seed=args.seed)
    started = time.perf_counter()
    rows = run_shoppers(bench, shoppers, ks, seed=args.seed)
    heading = (f"{args.run}: {len(shoppers)} shoppers ({', '.join(s.describe() for s in shoppers[:3])}, ...), "
               f"n={args.n}, photo steps {args.photo_steps}, {time.perf_counter() - started:.0f} s in all; the GAN "
               "was trained on the whole catalog, held-out products included")
    print(f"### {heading}\n\n{table(rows)}\n")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"heading": heading, "shoppers": [s.wants for s in shoppers],
                                                  "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
