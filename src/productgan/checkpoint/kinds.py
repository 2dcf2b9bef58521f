"""The kinds of checkpoint, and the one way to open a file as one: `read_meta(path, expect=KIND)`.

Four networks are saved in the checkpoint format: the GAN (`productgan train`), the enhancer
(`enhance train`), the domain classifier (`eval train-features`) and the latent encoder
(`edit train-encoder`). Each file names its kind (header extra["kind"]) and the version of the
network code that wrote it (extra["architecture_version"]); save_checkpoint stamps both. A file
without a kind was written before kinds were recorded, by `productgan train`: it reads as a GAN.

read_meta checks, in order: the file (or the run folder holding it), the format, the envelope every
kind shares, the kind asked for, a GAN's model, and the architecture version. A file of another kind
is one CheckpointKindError: "PATH is an enhancer (sr4) checkpoint, not a GAN checkpoint".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch

from productgan.checkpoint.io import CHECKPOINT_NAME, FORMAT, find_file, read_header, write_file
from productgan.checkpoint.schema import CheckpointMeta, check_gan_header, parse_meta
from productgan.errors import CheckpointError, CheckpointKindError
from productgan.models import ARCHITECTURE_VERSIONS as GAN_VERSIONS


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of checkpoint: how a header names it, how messages name it, which network code it needs."""

    name: str  # as stored in the header's extra["kind"]
    article: str  # "a" or "an", before noun
    noun: str  # "GAN", "enhancer": a message says "is an enhancer (sr4) checkpoint"
    trained_by: str  # the command that makes one
    versions: Mapping[str, int]  # architecture family -> the version this code builds
    family: Callable[[CheckpointMeta], object]  # the family of the network a header describes
    detail: Callable[[CheckpointMeta], object] = lambda meta: None  # in brackets after the noun: a GAN's family
    file_name: str = CHECKPOINT_NAME  # what a run folder of this kind holds
    unversioned: int | None = None  # the version of a header that records none

    def named(self, meta: CheckpointMeta | None = None) -> str:
        """'an enhancer (sr4)'; the detail only when the header gives a short string."""
        detail = self.detail(meta) if meta is not None else None
        shown = f" ({detail})" if isinstance(detail, str) and 0 < len(detail) <= 40 else ""
        return f"{self.article} {self.noun}{shown}"

    def described(self, meta: CheckpointMeta | None = None) -> str:
        """'an enhancer (sr4) checkpoint'."""
        return f"{self.named(meta)} checkpoint"

    def stamp(self, meta: CheckpointMeta) -> None:
        """Record this kind, and the architecture version this code builds unless the caller set one."""
        extra = dict(meta.extra)
        extra["kind"] = self.name
        current = self.versions.get(self.family(meta))
        if current is not None:
            extra.setdefault("architecture_version", current)
        meta.extra = extra

    def require_version(self, meta: CheckpointMeta, path: str | Path) -> None:
        """Refuse weights made by another version of the network code: same names and shapes would
        load without error into a network that computes something else."""
        family = self.family(meta)
        saved, current = meta.extra.get("architecture_version", self.unversioned), self.versions.get(family)
        if saved != current:
            raise CheckpointError(
                f"{path} holds {self.named(meta)} of architecture version "
                f"{saved!r:.20} (code {meta.code_version:.40}); this code builds {family} version {current}: "
                f"retrain it (`{self.trained_by}`), or use the productgan version that wrote it")


def _get(section: Mapping, *keys: str) -> object:
    """section[k1][k2]... or None where a key or a section is missing (a header is not trusted)."""
    for key in keys:
        if not isinstance(section, Mapping) or key not in section:
            return None
        section = section[key]
    return section


def enhancer_family(task: object) -> str:
    """The generator family an enhancer task is built with: a U-Net restores, an RRDB net upscales."""
    return "unet" if task == "restore" else "rrdb"


GAN = Kind("gan", "a", "GAN", "productgan train", GAN_VERSIONS,  # the table lives beside the model families
           family=lambda meta: _get(meta.config, "model", "family"),
           detail=lambda meta: _get(meta.config, "model", "family"), unversioned=1)
ENHANCER = Kind("enhancer", "an", "enhancer", "productgan enhance train",
                # Bump a family when a change makes its old weights compute something else (enhance/networks.py).
                # unet 2: exposure statistics of the whole photo enter as two constant input planes.
                # unet 3: a repair-mask plane (1 = known damage, prefilled by OpenCV inpainting; 0 = unknown or clean).
                {"rrdb": 1, "unet": 3},
                family=lambda meta: enhancer_family(_get(meta.config, "model", "task")),
                detail=lambda meta: _get(meta.config, "model", "task"))
DOMAIN_CLASSIFIER = Kind("domain-classifier", "a", "domain classifier", "productgan eval train-features",
                         {"domain": 1}, family=lambda meta: "domain", file_name="domain.safetensors")
LATENT_ENCODER = Kind("latent-encoder", "a", "latent encoder", "productgan edit train-encoder",
                      {"encoder": 1}, family=lambda meta: "encoder")
KINDS: dict[str, Kind] = {kind.name: kind for kind in (GAN, ENHANCER, DOMAIN_CLASSIFIER, LATENT_ENCODER)}


def kind_of(meta: CheckpointMeta) -> Kind | None:
    """The header's kind (no kind recorded: a GAN), or None for a kind this code does not know."""
    name = meta.extra.get("kind", GAN.name)
    return KINDS.get(name) if isinstance(name, str) else None


def resolve_checkpoint(path: str | Path, expect: Kind | None = None) -> Path:
    """The file of a checkpoint or of the run folder holding one (expect's file name, by default
    checkpoint.safetensors); a CheckpointError names what is missing."""
    if expect is None:
        return find_file(path)
    return find_file(path, expect.file_name, f"{expect.noun} checkpoint")


def read_meta(path: str | Path, expect: Kind | None = None) -> CheckpointMeta:
    """The header of a checkpoint file or run folder, validated: cheap, and enough to rebuild the network.

    expect: the kind the caller needs; a file of another kind is a CheckpointKindError naming the file,
    the kind it is and the kind needed, and one of an older architecture version a CheckpointError.
    None reads any kind (listing, resuming checks done by the caller). A GAN header is also checked
    against its model (levels, label combinations, parameter count); other kinds check their own
    config in their loader, after this.
    """
    path = resolve_checkpoint(path, expect)
    header = read_header(path)
    if header.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a productgan checkpoint (format {header.get('format')!r})")
    meta = parse_meta(header.get("meta"), path)
    found = kind_of(meta)
    if expect is not None and found is not expect:
        described = found.described(meta) if found else f"a checkpoint of unknown kind {meta.extra['kind']!r:.40}"
        raise CheckpointKindError(path, described, expect.described())
    if found is GAN and ("model" in meta.config or expect is GAN):
        check_gan_header(meta, path)
    if expect is not None:
        expect.require_version(meta, path)
    return meta


def save_checkpoint(path: str | Path, meta: CheckpointMeta, modules: dict[str, torch.nn.Module],
                    optimizers: dict[str, torch.optim.Optimizer] | None = None, kind: Kind = GAN) -> Path:
    """Write modules' weights (and optimiser states) plus meta, stamped with `kind`, to one file, atomically."""
    kind.stamp(meta)
    return write_file(path, meta, modules, optimizers)


__all__ = ["DOMAIN_CLASSIFIER", "ENHANCER", "GAN", "KINDS", "LATENT_ENCODER", "Kind", "enhancer_family", "kind_of",
           "read_meta", "resolve_checkpoint", "save_checkpoint"]
