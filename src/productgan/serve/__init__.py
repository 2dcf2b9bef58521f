"""The HTTP service and the shopping-guide page over the library (FastAPI + uvicorn)."""

from productgan.serve.app import create_app
from productgan.serve.registry import ModelRegistry, load_models
from productgan.serve.service import ServeSettings

__all__ = ["ModelRegistry", "ServeSettings", "create_app", "load_models"]
