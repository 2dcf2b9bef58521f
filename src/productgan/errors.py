"""Errors a user can act on: the CLI prints their message without a traceback."""


class ProductGANError(Exception):
    """Base class for errors caused by user input (bad files, unknown attributes, ...)."""


class ConfigError(ProductGANError, ValueError):
    """A config's settings cannot run (a budget missing, a value out of range, an unknown choice).

    Every config dataclass raises this from its validation, so a caller catches one class; it is a
    ValueError too, because the settings are values a caller passed in (and older callers catch that).
    """


class CatalogError(ProductGANError):
    """The catalog cannot be read or holds no usable image."""


class AttributeLevelError(ProductGANError, ValueError):
    """An attribute or level asked for does not exist in the model's vocabulary."""


class TrainingDiverged(ProductGANError):
    """A loss became NaN/Inf; the last good checkpoint is kept."""


class CheckpointError(ProductGANError):
    """A checkpoint is missing, incomplete or from an incompatible code version."""


class CheckpointKindError(CheckpointError):
    """A checkpoint of another kind than the one needed (an enhancer given to `generate`, ...).

    found and needed are phrases ("an enhancer (sr4) checkpoint", "a GAN checkpoint"). The CLI sets
    `command`, so its one line says which command needs what: "PATH is an enhancer (sr4) checkpoint;
    generate needs a GAN checkpoint"; without it the line reads "PATH is ..., not a GAN checkpoint".
    """

    def __init__(self, path: object, found: str, needed: str):
        super().__init__(path, found, needed)
        self.path, self.found, self.needed = str(path), found, needed
        self.command: str | None = None

    def __str__(self) -> str:
        if self.command:
            return f"{self.path} is {self.found}; {self.command} needs {self.needed}"
        return f"{self.path} is {self.found}, not {self.needed}"
