"""The cost per training step of demo_recipe variants, measured interleaved on one machine.

On a shared machine img/s drifts with whatever else runs; timing the variants in alternating
rounds (A, B, A, B, ...) exposes them to the same load, so their ratio means something even when
their absolute times do not. Prints the median and fastest ms/step of each.

    python bench/demo_step_time.py --variants default recon --threads 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import torch
from demo_recipe import VARIANTS, variant_config

from productgan.data import load_catalog
from productgan.train.loop import Trainer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", nargs="+", default=["default", "recon"], choices=list(VARIANTS))
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds per variant")
    parser.add_argument("--steps", type=int, default=5, help="training steps per round")
    parser.add_argument("--threads", type=int, default=1, help="torch's CPU threads")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    catalog = load_catalog("builtin:catalog", resolution=32)
    scratch = Path(tempfile.mkdtemp(prefix="step-time-"))
    trainers = {name: Trainer(variant_config(name, scratch / name, 0, 1.0, args.threads), progress=False,
                              catalog=catalog) for name in args.variants}
    for trainer in trainers.values():  # warm-up: first steps allocate
        for _ in range(3):
            trainer.train_step()
    times: dict[str, list[float]] = {name: [] for name in trainers}
    for _ in range(args.rounds):
        for name, trainer in trainers.items():
            started = time.perf_counter()
            for _ in range(args.steps):
                trainer.train_step()
            times[name].append(1000 * (time.perf_counter() - started) / args.steps)
    for name, measured in times.items():
        measured.sort()
        print(f"{name}: median {measured[len(measured) // 2]:.0f} ms/step, fastest {measured[0]:.0f} "
              f"({args.rounds} rounds of {args.steps} steps, {args.threads} thread(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
