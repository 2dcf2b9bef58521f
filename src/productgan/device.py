"""Which torch device a command runs on: one rule for every command, so `--device auto` means the same everywhere.

'auto' takes the fastest accelerator this machine has (CUDA, then Apple's MPS) and falls back to the CPU,
because a user with a GPU expects it used without asking and a laptop user expects the command to run at all.
Naming an accelerator that is not there is an error rather than a silent CPU run: a run asked for on a GPU
that quietly takes hours on the CPU is worse than a one-line refusal.
"""

from __future__ import annotations

import torch

from productgan.errors import ProductGANError

DEVICE_HELP = "auto (CUDA, then Apple MPS, then the CPU) | cpu | cuda | cuda:N | mps."


def mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str | torch.device) -> torch.device:
    """'auto' -> the best device here; anything else is checked, so a missing GPU is one clear line."""
    if isinstance(name, torch.device):
        return name
    name = name.strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if mps_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ProductGANError(f"--device {name} was asked for but no CUDA GPU is visible (use --device auto or cpu)")
    if name == "mps" and not mps_available():
        raise ProductGANError("--device mps was asked for but Apple's MPS backend is not available here "
                              "(use --device auto or cpu)")
    try:
        return torch.device(name)
    except RuntimeError as error:
        raise ProductGANError(f"--device {name!r} is not a device: {DEVICE_HELP}") from error
