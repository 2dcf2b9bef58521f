"""Restoration measured one kind of damage at a time: the "restore by damage" table of
`python bench/edit_enhance.py` (the bench imports it, and its test asserts it, from here).

Every method sees the same damaged input, seeded per photo; PSNR is capped so that an untouched
clean photo does not read infinite. Methods take (damaged image, repair mask): blind methods ignore
the mask, "mask" methods get the pixels a user would paint over (holes and blemishes).
"""

from __future__ import annotations

import numpy as np

from productgan.enhance.apply import build_enhancer
from productgan.enhance.classic import ClassicChain
from productgan.enhance.degrade import DAMAGE_KINDS, RestoreDegradation, degrade_for_restore
from productgan.enhance.repair import inpaint
from productgan.metrics.fidelity import mean_image_psnr

PSNR_CAP = 60.0  # dB: an untouched clean photo would otherwise read infinite and swamp the mean
RESTORE_CHAIN = "denoise:strength=10;color_strength=10,contrast_stretch,unsharp:amount=0.4"


def restore_methods(checkpoint: str | None) -> dict:
    """name -> method(damaged image, repair mask): blind methods ignore the mask; "mask" methods get
    the pixels a user would paint over (holes and blemishes), at equal information."""
    chain = ClassicChain.parse(RESTORE_CHAIN)
    methods = {"damaged input": lambda image, marks: image,
               "classical": lambda image, marks: chain(image),
               "OpenCV inpaint (mask)": lambda image, marks: inpaint(image, marks),
               "OpenCV inpaint (mask) + classical": lambda image, marks: chain(inpaint(image, marks))}
    if checkpoint:
        model = build_enhancer("restore", checkpoint)
        methods["learned restore (blind)"] = lambda image, marks: model(image)
        methods["learned restore (mask)"] = lambda image, marks: model(image, marks)
    return methods


def one_damage(kind: str) -> RestoreDegradation:
    """The restoration damage with only `kind` switched on (always), everything else off; "none": clean."""
    off = {f"{name}_probability": 0.0 for name in DAMAGE_KINDS}
    return RestoreDegradation(**{**off, **({} if kind == "none" else {f"{kind}_probability": 1.0})})


def bench_restore_by_damage(hr: list[np.ndarray], checkpoint: str | None) -> list[dict]:
    """Mean PSNR per method with one kind of damage at a time: where a method's gain comes from
    (the mixed-damage table cannot say whether a model denoises or only relights)."""
    methods = restore_methods(checkpoint)
    rows = []
    for kind in ("none", *DAMAGE_KINDS):
        damaged = [degrade_for_restore(image, np.random.default_rng(1000 + i), one_damage(kind)) for i, image in enumerate(hr)]
        row = {"task": "restore by damage", "damage": kind}
        for name, method in methods.items():
            outputs = [method(d.image, d.repair_mask > 0) for d in damaged]
            row[name] = mean_image_psnr(outputs, hr, cap=PSNR_CAP)
        rows.append(row)
    return rows
