"""Errors a user can act on: the CLI prints their message without a traceback."""


class ProductGANError(Exception):
    """Base class for errors caused by user input (bad files, unknown attributes, ...)."""


class CatalogError(ProductGANError):
    """The catalog cannot be read or holds no usable image."""


class AttributeLevelError(ProductGANError, ValueError):
    """An attribute or level asked for does not exist in the model's vocabulary."""


class TrainingDiverged(ProductGANError):
    """A loss became NaN/Inf; the last good checkpoint is kept."""


class CheckpointError(ProductGANError):
    """A checkpoint is missing, incomplete or from an incompatible code version."""
