"""Training speed: images/s and the fraction of the device's peak bf16 FLOP/s one step reaches.

FLOPs of one full training step (D step + G step, forward and backward) are counted with
torch.utils.flop_counter, then steps are timed after warm-up. Peak: --peak-tflops, or a known value
for H100/H200 (dense bf16, no sparsity). Usage:

    python bench/train_speed.py --resolution 64 --resolution 128 [--batch 64] [--compile]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from productgan.data import Catalog
from productgan.models.config import ModelConfig
from productgan.train import TrainConfig, Trainer

PEAK_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0}  # dense bf16 tensor-core peak, NVIDIA datasheets


def random_catalog(resolution: int, n: int = 512) -> Catalog:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, resolution, resolution, 3), dtype=np.uint8)
    return Catalog(images=images, table={"color": [str(i % 8) for i in range(n)], "category": [str(i % 6) for i in range(n)]},
                   files=[f"bench#{i}" for i in range(n)], source="bench:random")


def peak_tflops(device: torch.device, override: float | None) -> float | None:
    if override:
        return override
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


def measure(resolution: int, batch: int, width: int, steps: int, compile_: bool, family: str, peak: float | None) -> dict:
    config = TrainConfig(data="bench", out="/tmp/productgan-bench", condition=["color", "category"],
                         model=ModelConfig(family=family, resolution=resolution, width=width),
                         batch=batch, kimg=1e9, compile=compile_, sample_every_kimg=1e9, checkpoint_every_kimg=1e9)
    trainer = Trainer(config, progress=False, catalog=random_catalog(resolution))
    for _ in range(3):
        trainer.train_step()
    with FlopCounterMode(display=False) as counter:
        trainer.train_step()
    flops = counter.get_total_flops()
    sync = torch.cuda.synchronize if trainer.device.type == "cuda" else (lambda: None)
    sync()
    start = time.perf_counter()
    for _ in range(steps):
        trainer.train_step()
    sync()
    seconds = (time.perf_counter() - start) / steps
    peak = peak_tflops(trainer.device, peak)
    achieved = flops / seconds / 1e12
    return {"resolution": resolution, "batch": batch, "width": width, "family": family, "device": str(trainer.device),
            "images_per_s": batch / seconds, "step_ms": seconds * 1000, "gflop_per_step": flops / 1e9,
            "tflops": achieved, "fraction_of_peak": (achieved / peak) if peak else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resolution", type=int, action="append")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--family", default="resnet")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=None, help="Peak bf16 TFLOP/s of this device.")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, cuda: {torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'none'}")
    for resolution in args.resolution or [64, 128]:
        r = measure(resolution, args.batch, args.width, args.steps, args.compile, args.family, args.peak_tflops)
        fraction = f"{r['fraction_of_peak']:.1%}" if r["fraction_of_peak"] is not None else "n/a (no known peak)"
        print(f"{r['family']} {r['resolution']}px batch {r['batch']} width {r['width']} on {r['device']}: "
              f"{r['images_per_s']:.0f} img/s, {r['step_ms']:.1f} ms/step, {r['gflop_per_step']:.1f} GFLOP/step, "
              f"{r['tflops']:.2f} TFLOP/s, {fraction} of peak bf16")


if __name__ == "__main__":
    main()
