"""How `catalog prepare` enlarges a photo smaller than its preset's minimum side: `--upscaler`.

shipped (the default): the learned sr2 and sr4 shipped in the package (enhance/shipped.py); the
layout takes the smaller whose scale reaches the factor (layout.choose_upscaler), then Lanczos for
what is left beyond x4. lanczos: a Lanczos resize, no model. shipped-sr2 / shipped-sr4: that one
shipped model alone. PATH: a model from `productgan enhance train --task sr2|sr4` (what
`--sr-checkpoint` gave before `--upscaler` existed; it still does).

Why the learned model is the default although it is slower: the issue asks for shop photos
"upscaled by the learned SR", and on held-out luma products sr2 beats bicubic by 0.8-1.3 dB
(docs/ENHANCERS.md). Its cost is measured in docs/BENCHMARKS.md (marketplace enlargement): a few
CPU-seconds per luma photo against hundredths for Lanczos, so `--upscaler lanczos` stays one
option away. Big photos never pay it: the models enlarge tile by tile (enhance/learned.py), so
memory stays bounded by the tile, not the photo.
"""

from __future__ import annotations

from pathlib import Path

from productgan.catalog.layout import LANCZOS, LearnedUpscaler
from productgan.errors import ProductGANError

SHIPPED = "shipped"
DEFAULT_UPSCALER = SHIPPED
SHIPPED_SR_TASKS = ("sr2", "sr4")


def resolve_choice(upscaler: str | None, sr_checkpoint: str | Path | None) -> str:
    """The --upscaler in force: `upscaler`, or the older `sr_checkpoint` (a path) it replaces,
    or the default; both given (and different) is refused rather than one silently ignored."""
    if sr_checkpoint is not None:
        if upscaler is not None and upscaler != str(sr_checkpoint):
            raise ProductGANError(f"--sr-checkpoint {sr_checkpoint} and --upscaler {upscaler} both choose the "
                                  "upscaler; give one (--upscaler PATH is the same as --sr-checkpoint PATH)")
        return str(sr_checkpoint)
    return upscaler or DEFAULT_UPSCALER


def load_upscalers(choice: str, device: str = "cpu") -> tuple[LearnedUpscaler, ...]:
    """The learned models `choice` names (none for lanczos), each loaded once.

    Refuses, naming the file: a missing file, a checkpoint that is not super-resolution, and
    `shipped` on an install that ships no SR model (saying --upscaler lanczos works without one).
    """
    if choice == LANCZOS:
        return ()
    if choice == SHIPPED and not Path(choice).exists():
        return _shipped(device)
    from productgan.upscale import load_upscaler

    model = load_upscaler(choice, device=device)
    return (LearnedUpscaler(model, model.scale, choice),)


def _shipped(device: str) -> tuple[LearnedUpscaler, ...]:
    from productgan.enhance.learned import load_enhancer
    from productgan.enhance.shipped import ShippedModelMissing, shipped_path

    found = {task: shipped_path(task) for task in SHIPPED_SR_TASKS}
    if not any(found.values()):
        raise ShippedModelMissing("this install ships no super-resolution model (productgan/weights/sr2, sr4); "
                                  "use --upscaler lanczos, or --upscaler RUN with a model from "
                                  "`productgan enhance train --task sr2`")
    models = []
    for task, path in found.items():
        if path is not None:
            model = load_enhancer(path, device=device)
            models.append(LearnedUpscaler(model, model.scale, f"{SHIPPED}-{task}"))
    return tuple(models)
