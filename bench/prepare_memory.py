"""Resident memory of one process preparing luma photos in a row, as a `catalog prepare` worker does.

    OMP_NUM_THREADS=1 PYTHONPATH=src nice -n 10 python bench/prepare_memory.py \
        --photos ../shared/datasets/luma/images --n 10 --seed 3 [--upscaler shipped] [--out /tmp/prepare-memory]

Loads the upscaler as a worker does, then runs `prepare_one` (marketplace) on n photos drawn at
random (seeded), printing after each photo its status, upscaler, seconds, the process's resident
memory (from /proc/self/statm, so Linux only) and its peak so far (getrusage). A worker that grows photo after photo is keeping
freed memory (heap.py says why it should not).
"""

from __future__ import annotations

import argparse
import random
import resource
from pathlib import Path

import torch

from productgan.catalog.prepare import Job, _load_upscalers, prepare_one


def resident_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--upscaler", default="shipped")
    parser.add_argument("--out", type=Path, default=Path("/tmp/prepare-memory"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    files = sorted(args.photos.iterdir())
    _load_upscalers(args.upscaler, "cpu")
    print(f"after loading {args.upscaler}: {resident_mib():.0f} MiB", flush=True)
    for index, photo in enumerate(random.Random(args.seed).sample(files, args.n), 1):
        job = Job(photo, photo.name, photo.stem + ".jpg", args.out / (photo.stem + ".jpg"), "marketplace")
        row = prepare_one(job)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{index} {photo.name}: {row['status']} {row.get('upscaler', '')} {row['seconds']} s, "
              f"resident {resident_mib():.0f} MiB, peak so far {peak:.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
