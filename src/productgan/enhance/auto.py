"""`--task auto`: the classical chain cut down to the steps a photo needs, and why each one ran.

The fixed chain (classic.DEFAULT_CHAIN) runs every step on every photo, and a good studio photo
comes back worse: CLAHE gives faces a harsh local-contrast look, white balance and stretching
shift an orange hoodie browner and a white tank greyer. Here each photo is measured first
(enhance/assess.py) and a step runs only when a measure it fixes is out of its range; a photo
whose measures are all in range is returned as it came, the same array, untouched.

Steps run in the classical order (colour, tone, noise, detail), each at most once, whichever of
its measures asked for it. CLAHE and equalisation are never chosen: no measure calls for local
contrast, and they are what made good photos look harsh.

Tone has two fixes and one runs (tone_step): `exposure`, one gain that takes the brightest pixels
(the backdrop, when there is one) to white and keeps black black, when the photo was only dark;
`contrast_stretch`, which also pulls the darkest pixels down, when its shadows are lifted too
(washed out). Which of the two: where the darkest 1% would be after the gain (predicted from the
measures). A dark photo's comes back where the photo had it (luma's 611 photos: 0 to 170); a
washed-out one's stays lifted (luma squeezed into 130..200 reads 166 and more). The gain is the
better fix whenever it applies: 117 luma photos at x0.6 exposure come back at 55.6 dB with it,
25.5 with the stretch, which scales Lab lightness rather than the stored values (docs/BENCHMARKS.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from productgan.enhance.assess import RANGES, Assessment, assess
from productgan.enhance.classic import ClassicChain, Step

# Which step fixes which measure, in the order steps run. A measure with no step (crushed
# shadows cannot be brought back by a tone curve) is reported as a warning instead.
FIXES: dict[str, tuple[str, ...]] = {
    "white_balance": ("cast",),
    "exposure": ("white_point", "brightness", "contrast"),  # the two tone fixes: one of them runs (tone_step)
    "contrast_stretch": ("white_point", "brightness", "contrast"),
    "denoise": ("noise",),
    "unsharp": ("sharpness",),
}
TONE_STEPS = ("exposure", "contrast_stretch")
UNFIXABLE = tuple(name for name in RANGES if not any(name in measures for measures in FIXES.values()))
# The darkest 1% of luma a gain to white would give, above which the shadows are lifted (washed
# out) and a stretch is the fix, not a gain. Luma's photos have theirs at 0..170 (170: one pale
# orange product, wp13-orange_back, which at x0.45 is therefore stretched), washed-out luma keeps
# 166 and more after a gain: 160 keeps every washed-out photo on the stretch side.
LIFTED_BLACK = 160.0
MIN_DENOISE, MAX_DENOISE = 3.0, 20.0  # NL-means strength follows the measured noise sigma, within these
SHARPEN_AMOUNT = 1.0  # unsharp's amount for a blurred photo (its default, 0.6, is for a crisp one)


@dataclass(frozen=True)
class AppliedStep:
    """One step that ran: its chain text (`denoise:strength=9;color_strength=9`) and the reasons."""

    step: str
    reasons: tuple[str, ...]


@dataclass
class AutoFix:
    """What `AutoEnhancer.fix` did to one photo: the result, the measures before (and after, when
    a step ran), the steps with their reasons, and warnings about what no step can fix."""

    image: np.ndarray
    before: Assessment
    after: Assessment
    steps: list[AppliedStep] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.steps)

    def step_names(self) -> list[str]:
        return [applied.step.partition(":")[0] for applied in self.steps]

    def summary(self) -> str:
        """One line: 'unchanged: every measure in range' or 'white_balance (color cast ...); denoise (...)'."""
        if not self.steps:
            text = "unchanged: every measure in range" if self.before.ok else "unchanged"
        else:
            text = "; ".join(f"{a.step.partition(':')[0]} ({', '.join(a.reasons)})" for a in self.steps)
        return text + "".join(f"; warning: {warning}" for warning in self.warnings)


def choose_steps(before: Assessment) -> list[AppliedStep]:
    """The steps the photo's out-of-range measures call for, in running order, with their knobs."""
    chosen = []
    tone = tone_step(before)
    for name, measures in FIXES.items():
        reasons = tuple(before.problems[m] for m in measures if m in before.problems)
        if reasons and (name not in TONE_STEPS or name == tone):
            chosen.append(AppliedStep(_step_text(name, before), reasons))
    return chosen


def tone_step(before: Assessment) -> str:
    """The tone fix for whichever tone measure is out of range: exposure when a gain leaves the
    shadows dark (the photo was only dark: the gain then also brings its white point to 255 and its
    contrast to 255 - LIFTED_BLACK or more), contrast_stretch when they stay lifted (washed out).
    Predicted from the measures: the gain takes the white point (99th percentile of luma) to about
    255, so the darkest 1% (white point - contrast) goes to that times 255 / white point."""
    measures = before.measures
    if measures["white_point"] <= 0:
        return "contrast_stretch"
    black_after_gain = (measures["white_point"] - measures["contrast"]) * 255.0 / measures["white_point"]
    return "exposure" if black_after_gain <= LIFTED_BLACK else "contrast_stretch"


def _step_text(name: str, before: Assessment) -> str:
    if name == "denoise":
        strength = float(np.clip(round(2.0 * before.measures["noise"]), MIN_DENOISE, MAX_DENOISE))
        return f"denoise:strength={strength:g};color_strength={strength:g}"
    if name == "white_balance":  # balanced to the backdrop's brightest channel, so white stays white
        return "white_balance:lift=1"
    if name == "unsharp":
        return f"unsharp:amount={SHARPEN_AMOUNT:g}"
    return name


class AutoEnhancer:
    """uint8 (H, W, 3) RGB -> uint8 (H, W, 3): only the classical steps the photo needs.

    `fix(image)` returns the AutoFix report; calling the enhancer returns the image alone and
    keeps the report in `last_fix`, so a caller that only maps images (photo_io.map_photos) can
    still say what was done.
    """

    task = "auto"
    scale = 1

    def __init__(self) -> None:
        self.last_fix: AutoFix | None = None

    def fix(self, image: np.ndarray) -> AutoFix:
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected uint8 (H, W, 3) RGB, got {image.dtype} {image.shape}")
        before = assess(image)
        steps = choose_steps(before)
        result = ClassicChain.parse(",".join(a.step for a in steps))(image) if steps else image
        after = assess(result) if steps else before
        warnings = [before.problems[m] + " (no classical step fixes this)" for m in UNFIXABLE if m in before.problems]
        return AutoFix(result, before, after, steps, warnings)

    def __call__(self, image: np.ndarray) -> np.ndarray:
        self.last_fix = self.fix(image)
        return self.last_fix.image

    def cost_per_pixel(self) -> float:
        """The dearest case, every step at its dearest knobs (both tone steps counted, though one
        runs), plus the measures (about two light passes each way): the admission budget of
        classic.ClassicChain.cost_per_pixel."""
        steps = sum(Step(name).cost_per_pixel() for name in FIXES)
        return steps + 4.0

