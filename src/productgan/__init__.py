"""productgan: learn a product catalog, generate new products on demand."""

from productgan.version import __version__, code_version

__all__ = ["__version__", "code_version", "load_generator"]


def load_generator(path, device="cpu"):
    """Load a trained generator from a checkpoint (file or run folder) onto device ('auto', 'cpu',
    'cuda', ...); see productgan.generate."""
    from productgan.generate import load_generator as _load

    return _load(path, device=device)
