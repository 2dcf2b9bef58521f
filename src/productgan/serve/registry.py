"""The models a server holds, loaded once at start and looked up by name only.

A request's model name is a dictionary key, never part of a path: `../../etc/passwd` is just a
name the registry does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


from productgan.errors import CheckpointError
from productgan.device import resolve_device
from productgan.generate import ProductGenerator, load_generator
from productgan.serve.errors import UnknownModelError
from productgan.checkpoint import CHECKPOINT_NAME, GAN, gan_model_config, model_name, read_meta, resolve_checkpoint


@dataclass
class ServedModel:
    """One loaded generator and what clients need to know to ask it for products."""

    name: str
    generator: ProductGenerator
    family: str
    checkpoint: Path | None = None  # where it was loaded from: its encoder and classifier may sit beside it

    @property
    def resolution(self) -> int:
        return self.generator.resolution

    @property
    def channels(self) -> int:
        return self.generator.channels

    def describe(self) -> dict:
        return {"name": self.name, "family": self.family, "resolution": self.resolution,
                "channels": self.channels, "latent_dim": self.generator.latent_dim,
                "attributes": self.generator.attributes}


class ModelRegistry:
    """Name -> ServedModel, fixed after start."""

    def __init__(self, models: list[ServedModel]):
        self._models = {model.name: model for model in models}

    def __len__(self) -> int:
        return len(self._models)

    def names(self) -> list[str]:
        return list(self._models)

    def models(self) -> list[ServedModel]:
        return list(self._models.values())

    def get(self, name: str) -> ServedModel:
        model = self._models.get(name)
        if model is None:
            raise UnknownModelError(f"unknown model {name!r}; available: {', '.join(self._models) or '(none)'}")
        return model


def find_checkpoints(path: str | Path) -> dict[str, Path]:
    """Model name -> checkpoint file, for a checkpoint, a run folder, or a folder of either one level down.

    Names come from folder names (a run folder) or file stems (a loose *.safetensors file).
    """
    path = Path(path)
    if path.is_file() or (path / CHECKPOINT_NAME).is_file():
        return {model_name(path): resolve_checkpoint(path)}
    if not path.is_dir():
        raise CheckpointError(f"{path} is neither a checkpoint, a run folder nor a folder of runs")
    found: dict[str, Path] = {}
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            continue
        if (child.is_dir() and (child / CHECKPOINT_NAME).is_file()) or (child.is_file() and child.suffix == ".safetensors"):
            found.setdefault(model_name(child), resolve_checkpoint(child))
    if not found:
        raise CheckpointError(f"no run folder or .safetensors checkpoint found in {path}")
    return found


def load_models(path: str | Path, device: str = "auto") -> ModelRegistry:
    """Load every checkpoint that find_checkpoints names, once, onto one device.

    Every header is read first, expecting a GAN: a folder of runs holding an enhancer (or any other
    kind) is refused by name before a single network is loaded.
    """
    torch_device = resolve_device(device)
    found = find_checkpoints(path)
    configs = {name: gan_model_config(read_meta(checkpoint, expect=GAN), checkpoint)
               for name, checkpoint in found.items()}
    return ModelRegistry([ServedModel(name=name, generator=load_generator(checkpoint, device=torch_device),
                                      family=configs[name].family, checkpoint=checkpoint)
                          for name, checkpoint in found.items()])
