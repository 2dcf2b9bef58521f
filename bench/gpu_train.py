"""The GPU run in one call: train luma at 128 px for N minutes, write samples, print the speed figures.

Made for a borrowed GPU machine with a few minutes on it (bench/gpu_run.sh calls this): the
settings are fixed here so that the run is the same every time, and everything it prints is what
docs/BENCHMARKS.md needs: images/s of training, the fraction of the GPU's peak bf16 FLOP/s that a
train step reaches (FLOPs counted by torch's FlopCounterMode on one real step), peak memory, and
2000 samples as PNGs to score on a machine that has the Inception weights.

It also runs on a CPU with a tiny budget (`--resolution 32 --kimg 0.05 --width 8 --samples 8`),
which is how the tests check it end to end.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import torch

from productgan.generate import ProductGenerator
from productgan.imaging import write_png
from productgan.models.config import ModelConfig
from productgan.train import TrainConfig
from productgan.train.loop import Trainer
from train_speed import peak_tflops  # the peak table lives with the other speed bench (run from bench/)

TIMED_STEPS = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="bench/.gpu-data/luma")
    parser.add_argument("--out", type=Path, default=Path("runs/gpu-out"))
    parser.add_argument("--minutes", type=float, default=7.0)
    parser.add_argument("--kimg", type=float, default=None, help="a work budget instead (the CPU smoke test)")
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--condition", default="color,category,view,gender",
                        help="the attributes to condition on (luma's well-filled columns, as the README recommends)")
    parser.add_argument("--class-weight", type=float, default=0.0, help="P2GAN's classification term (0: off)")
    parser.add_argument("--cpu-bf16", action="store_true", help="bf16 autocast on a CPU too (tests the GPU path)")
    parser.add_argument("--peak-tflops", type=float, default=None, help="the device's peak bf16 TFLOP/s if not in the table")
    return parser.parse_args()


def gpu_config(args: argparse.Namespace) -> TrainConfig:
    model = ModelConfig(family="resnet", resolution=args.resolution, width=args.width, max_width=512)
    return TrainConfig(data=args.data, out=str(args.out / "run"), condition=args.condition.split(","), min_count=5,
                       model=model, batch=args.batch, minutes=None if args.kimg else args.minutes, kimg=args.kimg,
                       seed=args.seed, augment=["translation", "cutout", "flip"], ema_kimg=2.0,
                       sample_every_kimg=50, checkpoint_every_kimg=1e9, bf16=True, cpu_bf16=args.cpu_bf16,
                       channels_last=True, device="auto", class_weight=args.class_weight)


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def step_figures(trainer: Trainer, peak: float | None) -> dict:
    """FLOPs of one real train step, then the mean time of TIMED_STEPS more (after a warm-up step)."""
    from torch.utils.flop_counter import FlopCounterMode

    trainer.train_step()  # warm-up: kernels chosen, caches filled
    counter = FlopCounterMode(display=False)
    with counter:
        trainer.train_step()
    synchronize(trainer.device)
    started = time.perf_counter()
    for _ in range(TIMED_STEPS):
        trainer.train_step()
    synchronize(trainer.device)
    step_s = (time.perf_counter() - started) / TIMED_STEPS
    flops = counter.get_total_flops()
    achieved = flops / step_s
    figures = {"train_step_gflop": round(flops / 1e9, 2), "train_step_ms": round(step_s * 1000, 2),
               "achieved_tflops": round(achieved / 1e12, 2),
               "step_images_per_s": round(trainer.config.batch / step_s, 1)}
    if peak:
        figures["fraction_of_peak_bf16"] = round(achieved / (peak * 1e12), 4)
    return figures


def peak_memory_gib(device: torch.device) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB -> GiB of host memory


def write_samples(sampler: ProductGenerator, folder: Path, count: int, seed: int) -> None:
    """count samples with attributes drawn as the catalog has them, 256 at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for chunk, start in enumerate(range(0, count, 256)):
        images = sampler.generate(min(256, count - start), seed=seed + chunk)
        for image in images:
            write_png(image, folder / f"{written:05d}.png")
            written += 1


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    trainer = Trainer(gpu_config(args), progress=True)
    if trainer.device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
        torch.cuda.reset_peak_memory_stats(trainer.device)
    speed = step_figures(trainer, peak_tflops(trainer.device, args.peak_tflops))
    print("step:", json.dumps(speed), flush=True)
    timed_images = trainer.images_seen  # the timed steps above are not on the run's clock
    if trainer.config.kimg is not None:  # and not in its work budget either
        trainer.config.kimg += timed_images / 1000
    result = trainer.run()
    sampled = time.perf_counter()
    write_samples(trainer.sampler(), args.out / "samples", args.samples, args.seed + 1)
    figures = {"device": torch.cuda.get_device_name(trainer.device) if trainer.device.type == "cuda" else "cpu",
               "torch": torch.__version__, "resolution": args.resolution, "width": args.width, "batch": args.batch,
               "kimg": round(result.images_seen / 1000, 3), "train_s": round(result.elapsed_s, 1),
               "images_per_s": round((result.images_seen - timed_images) / max(result.elapsed_s, 1e-9), 1), **speed,
               "peak_memory_gib": round(peak_memory_gib(trainer.device), 2),
               "samples": args.samples, "sampling_s": round(time.perf_counter() - sampled, 1)}
    (args.out / "figures.json").write_text(json.dumps(figures, indent=2))
    print("figures:", json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
