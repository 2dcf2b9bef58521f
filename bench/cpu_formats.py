"""The CPU speed candidates of the demo's recipe, side by side: fp32 (today), channels_last, bf16
autocast, torch.compile, each timed on real training steps of `productgan.demo.demo_config`.

The variants are timed in interleaved rounds (a few steps of each, again and again) with a fixed
thread count, and the median per variant is reported: on a shared machine a slow spell then hits
every variant alike instead of whichever ran during it.

    python bench/cpu_formats.py --rounds 6 --steps 8 --threads 1
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch

from productgan.data import load_catalog
from productgan.demo import demo_config
from productgan.train import Trainer

VARIANTS = ("fp32", "channels_last", "bf16", "compile")


def build(variant: str, out: Path, catalog) -> Trainer:
    config = demo_config(out / variant, seed=0, kimg=1e6, threads=None)
    config.sample_every_kimg = config.checkpoint_every_kimg = 1e9
    config.cpu_bf16 = variant == "bf16"
    config.compile = variant == "compile"
    trainer = Trainer(config, progress=False, catalog=catalog)
    if variant == "channels_last":  # the trainer uses it on CUDA only; here it is tried on the CPU
        trainer.generator.to(memory_format=torch.channels_last)
        trainer.discriminator.to(memory_format=torch.channels_last)
    return trainer


def timed_steps(trainer: Trainer, steps: int) -> float:
    started = time.perf_counter()
    for _ in range(steps):
        trainer.train_step()
    return (time.perf_counter() - started) / steps


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--steps", type=int, default=8, help="steps per variant per round")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first (compile happens here)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    catalog = load_catalog("builtin:catalog", resolution=32)
    print(f"torch {torch.__version__}, {platform.processor() or platform.machine()}, {args.threads} thread(s); "
          f"demo settings (resnet width 16, batch 16, 32 px)")
    with tempfile.TemporaryDirectory() as folder:
        trainers = {}
        for variant in args.variants:
            trainers[variant] = build(variant, Path(folder), catalog)
            started = time.perf_counter()
            with contextlib.suppress(KeyboardInterrupt):
                timed_steps(trainers[variant], args.warmup)
            print(f"{variant}: warm-up {args.warmup} steps in {time.perf_counter() - started:.1f} s")
        times = {variant: [] for variant in args.variants}
        for _ in range(args.rounds):
            for variant, trainer in trainers.items():
                times[variant].append(timed_steps(trainer, args.steps))
    base = statistics.median(times[args.variants[0]])
    for variant, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{variant:14s} {median * 1000:7.1f} ms/step  {16 / median:6.1f} img/s  x{base / median:.2f} vs "
              f"{args.variants[0]}  (rounds: {', '.join(f'{s * 1000:.0f}' for s in seconds)} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
