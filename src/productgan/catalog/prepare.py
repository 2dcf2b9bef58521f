"""`productgan catalog prepare DIR --out DIR`: every photo auto-fixed and laid out as a preset asks.

Per photo: read it (bad files are named and skipped), fix only what is out of range
(enhance/auto.py), lay it out (layout.py; a photo under the preset's minimum side is enlarged as
--upscaler says, by default a Lanczos resize: upscalers.py), write it atomically
under --out at the same relative path, measure the result, then append its manifest row
(manifest.py). Inputs are only read.
Photos run in parallel over processes (pool.py). A rerun skips every photo whose manifest row
says done and whose file is there, so a run killed half way resumes without redoing or losing work.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from productgan.catalog import manifest
from productgan.catalog.layout import LANCZOS, lay_out
from productgan.catalog.pool import default_workers, map_in_processes
from productgan.catalog.presets import Preset, get_preset
from productgan.catalog.upscalers import load_upscalers, resolve_choice
from productgan.catalog.walk import find_photos, refuse_out_inside, source_of
from productgan.color_profile import profile_warnings
from productgan.enhance.assess import MEASURE_NAMES, assess
from productgan.enhance.auto import AutoEnhancer
from productgan.errors import ProductGANError
from productgan.heap import release_freed_memory
from productgan.loop_kit.stop import GracefulStop
from productgan.photo_io import OUTPUT_FORMATS, PhotoError, read_photo, write_photo
from productgan.progress import WorkProgress


@dataclass(frozen=True)
class PrepareConfig:
    """source: a folder (any depth) or one photo; out: the folder outputs and manifest.csv go to
    (outside source); workers: processes (default: the cores); upscaler: how photos smaller than
    the preset's minimum are enlarged, lanczos (default), shipped, shipped-sr2/-sr4 or a learned
    sr2/sr4 checkpoint (catalog/upscalers.py); sr_checkpoint: the older spelling of upscaler=PATH;
    limit: stop after this many photos (a trial run; a rerun goes on from there)."""

    source: Path
    out: Path
    preset: str = "marketplace"
    workers: int | None = None
    upscaler: str | None = None
    sr_checkpoint: Path | None = None
    device: str = "cpu"
    limit: int | None = None


@dataclass(frozen=True)
class Job:
    """One photo: where it is, its name relative to the catalog, and its output's."""

    source: Path
    input: str
    output: str
    target: Path
    preset: str


@dataclass
class PrepareResult:
    """What a run did: counts by status (this run), photos a previous run had done, the wall time,
    the manifest, and why it stopped early (None, 'interrupted' or 'terminated')."""

    counts: Counter = field(default_factory=Counter)
    already_done: int = 0
    total: int = 0
    seconds: float = 0.0
    manifest: Path | None = None
    stopped: str | None = None
    steps: Counter = field(default_factory=Counter)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (input, status, reason) not done

    @property
    def seconds_per_photo(self) -> float:
        return self.seconds / max(1, sum(self.counts.values()))


def output_name(relative: Path, preset: Preset) -> Path:
    """The output's path relative to --out: the input's, with the preset's suffix (or its own
    when the preset keeps formats and it can be written; PNG when it cannot)."""
    suffix = preset.suffix or (relative.suffix.lower() if relative.suffix.lower() in OUTPUT_FORMATS else ".png")
    return relative.with_suffix(suffix)


def plan(source: Path, out: Path, preset: Preset) -> list[Job]:
    """A job per photo under source; two inputs that would share an output name (a.png and a.jpg
    as JPEG) each keep their own suffix in it (a.png.jpg, a.jpg.jpg)."""
    photos = find_photos(source)
    if not photos:
        raise ProductGANError(f"{source}: no image files found")
    names = [output_name(p, preset) for p in photos]
    clashes = {name for name, count in Counter(names).items() if count > 1}
    jobs = []
    for photo, name in zip(photos, names):
        if name in clashes:
            name = photo.with_name(photo.name + name.suffix)
        jobs.append(Job(source_of(source, photo), photo.as_posix(), name.as_posix(), out / name, preset.name))
    return jobs


def is_done(job: Job, row: manifest.Row | None, out: Path) -> bool:
    """Done by an earlier run: its row says done, for this preset and output, and the file is there."""
    return (row is not None and row["status"] == "done" and row["preset"] == job.preset
            and row["output"] == job.output and (out / job.output).is_file())


_worker: dict[str, object] = {}  # per process: the learned upscalers, loaded once by _load_upscalers


def _load_upscalers(choice: str, device: str) -> None:
    """Worker set-up: load the models `choice` names once (set every run: a process that runs
    several catalogs, as tests do, must not keep the previous run's models)."""
    _worker["upscalers"] = load_upscalers(choice, device)


def prepare_one(job: Job) -> manifest.Row:
    """Read, auto-fix, lay out, write (atomically) and measure one photo: its manifest row.
    Never raises for a photo: a bad file is `skipped`, any other error `failed`, with the reason.
    What the photo freed goes back to the OS, so a worker stays at one photo's size (heap.py)."""
    row = _prepare(job)
    release_freed_memory()
    return row


def _prepare(job: Job) -> manifest.Row:
    started = time.perf_counter()
    row: manifest.Row = {"input": job.input, "output": job.output, "preset": job.preset}
    try:
        with profile_warnings() as profile:  # a broken colour profile: noted in the row, the photo goes on
            image = read_photo(job.source)
    except PhotoError as error:
        return {**row, "output": "", "status": "skipped", "reason": str(error), "seconds": _seconds(started)}
    try:
        row.update(_fix_and_write(image, job, profile))
    except Exception as error:  # noqa: BLE001 - one photo's failure is reported, the catalog goes on
        return {**row, "output": "", "status": "failed", "reason": f"{type(error).__name__}: {error}",
                "seconds": _seconds(started)}
    return {**row, "status": "done", "seconds": _seconds(started)}


def _fix_and_write(image, job: Job, read_warnings: list[str]) -> manifest.Row:
    fix = AutoEnhancer().fix(image)
    preset = get_preset(job.preset)
    laid_out = lay_out(fix.image, preset, fix.before.has_backdrop, _worker.get("upscalers", ()))
    laid = laid_out.image
    write_photo(laid, job.target, quality=preset.quality, srgb_profile=preset.srgb_profile)
    after = fix.after if laid is fix.image else assess(laid)
    return {"steps": " ".join(fix.step_names()), "why": "; ".join(r for a in fix.steps for r in a.reasons),
            "warnings": "; ".join(read_warnings + fix.warnings + laid_out.warnings), "upscaler": laid_out.upscaler,
            "width_in": str(image.shape[1]), "height_in": str(image.shape[0]),
            "width_out": str(laid.shape[1]), "height_out": str(laid.shape[0]),
            **{f"before_{m}": f"{fix.before.measures[m]:.4g}" for m in MEASURE_NAMES},
            **{f"after_{m}": f"{after.measures[m]:.4g}" for m in MEASURE_NAMES}}


def _seconds(started: float) -> str:
    return f"{time.perf_counter() - started:.3f}"


def prepare_catalog(config: PrepareConfig, progress: bool = True) -> PrepareResult:
    """Prepare every photo under config.source that an earlier run has not done; see the module doc."""
    preset = get_preset(config.preset)
    source, out = Path(config.source), Path(config.out)
    refuse_out_inside(source, out)
    choice = resolve_choice(config.upscaler, config.sr_checkpoint)
    choice = choice if preset.layout else LANCZOS  # a preset that keeps the size enlarges nothing
    load_upscalers(choice, config.device)  # a wrong file is named here, not once per worker
    jobs = plan(source, out, preset)
    path = out / manifest.NAME
    previous = manifest.read_rows(path)
    todo = [job for job in jobs if not is_done(job, previous.get(job.input), out)]
    result = PrepareResult(already_done=len(jobs) - len(todo), total=len(jobs), manifest=path)
    if config.limit is not None:
        todo = todo[:config.limit]
    workers = min(config.workers or default_workers(), max(1, len(todo)))
    started = time.perf_counter()
    with GracefulStop() as stop, manifest.appender(path) as append, \
            WorkProgress("prepare", len(todo), enabled=progress, describe=lambda d, t: f"{d:.0f}/{t:.0f} photos") as bar:
        setup_args = (choice, config.device)
        for job, row in map_in_processes(prepare_one, todo, workers, setup=_load_upscalers, setup_args=setup_args):
            append(row)
            result.counts[row["status"]] += 1
            result.steps.update(row.get("steps", "").split())
            if row["status"] != "done":
                result.problems.append((row["input"], row["status"], row["reason"]))
            bar.update(sum(result.counts.values()), **{k: v for k, v in result.counts.items() if k != "done"})
    result.stopped, result.seconds = stop.reason, time.perf_counter() - started
    manifest.compact(path)
    return result
