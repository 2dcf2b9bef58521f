"""The share of "for you" products whose drawn levels satisfy a simulated shopper, before any image.

    python bench/foryou_level_ceiling.py RUN [--shoppers 20] [--disjunctive 20] [--ks 1,3,10] \
        [--explore 0.3] [--draws 400]

The same shoppers and histories as bench/foryou_shoppers.py (same seeds), but only the levels: the
taste is fitted from the liked and disliked items' catalog levels (their latents play no part in
the level frequencies) and `--draws` label rows are drawn from it as recommend draws them. The
share that satisfies the preference is what "match" would be if the generator drew every level it
is asked for and the classifier read it perfectly: it separates the taste's level smoothing and
explore from the rendering and the reading. Needs no encoder or classifier; takes seconds.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from productgan.checkpoint import GAN, read_meta, resolve_checkpoint
from productgan.data import load_catalog
from productgan.foryou.measure import KS, Bench, numbered, requests
from productgan.foryou.shoppers import GROUPS, make_disjunctive_shoppers, make_shoppers
from productgan.foryou.taste import draw, fit_taste
from productgan.generate import load_generator


def level_share(bench: Bench, shopper, request, explore: float, draws: int, seed: int) -> float:
    """The share of `draws` label rows of the fitted taste that the shopper accepts."""
    generator = bench.generator
    def placed(i: int):
        labels = generator.labels_for(1, bench.photos.levels(i, generator), torch.Generator().manual_seed(i))[0]
        return torch.zeros(generator.latent_dim), labels
    taste = fit_taste(generator, [placed(i) for i in request.liked], [placed(i) for i in request.disliked])
    _, labels = draw(generator, taste, draws, explore, torch.Generator().manual_seed(seed))
    rows = [{name: generator.levels[name][int(row[a])] for a, name in enumerate(generator.names)} for row in labels]
    return float(np.mean([shopper.accepts(levels) for levels in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="run folder or checkpoint")
    parser.add_argument("--shoppers", type=int, default=20, help="simulated single-level shoppers")
    parser.add_argument("--disjunctive", type=int, default=20, help="simulated disjunctive shoppers")
    parser.add_argument("--ks", default=",".join(map(str, KS)), help="liked items per shopper, comma-separated")
    parser.add_argument("--explore", type=float, default=0.3, help="for you's explore")
    parser.add_argument("--draws", type=int, default=400, help="label rows drawn per history")
    parser.add_argument("--seed", type=int, default=0, help="seeds the shoppers and their likes, as the bench")
    args = parser.parse_args()

    checkpoint = resolve_checkpoint(args.run, GAN)
    config = read_meta(checkpoint, expect=GAN).config
    generator = load_generator(checkpoint, device="cpu")
    catalog = load_catalog(config["data"], resolution=generator.resolution, channels=generator.channels)
    bench = Bench(generator, catalog, None, None)
    ks = tuple(int(k) for k in args.ks.split(","))
    names, min_items = generator.names, 2 * max(ks) + 2
    shoppers = (make_shoppers(catalog, names, args.shoppers, min_items, seed=args.seed)
                + make_disjunctive_shoppers(catalog, names, args.disjunctive, min_items, seed=args.seed))
    shares: dict[tuple[str, int], list[float]] = {}
    for shopper, number in numbered(shoppers):
        for request in requests(bench, shopper, number, ks, args.seed):
            share = level_share(bench, shopper, request, args.explore, args.draws, args.seed + number)
            shares.setdefault((shopper.group, request.k), []).append(share)
    print(f"{args.run}: explore {args.explore}, {args.draws} draws per history\n")
    print("| group | k | shoppers | drawn levels satisfying the preference |\n|---|---|---|---|")
    for group in GROUPS:
        for k in ks:
            if (group, k) in shares:
                print(f"| {group} | {k} | {len(shares[group, k])} | {np.mean(shares[group, k]):.3f} |")


if __name__ == "__main__":
    main()
