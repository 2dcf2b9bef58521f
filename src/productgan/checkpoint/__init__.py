"""The checkpoint format: one safetensors file per trained network, its JSON header saying what it is.

  io.py      the bytes: write atomically, read the header, load tensors and modules, optimiser state
  schema.py  what a header may say: CheckpointMeta, the envelope every kind shares, a GAN's model
  shapes.py  sizes and shapes of the networks a header describes, checked before anything is allocated
  kinds.py   the four kinds (GAN, enhancer, domain classifier, latent encoder) with their architecture
             versions; read_meta(path, expect=KIND) and save_checkpoint(..., kind=KIND)

Nothing is ever unpickled; a single file is enough to rebuild its network (no data, no config file).
"""

from productgan.checkpoint.io import (
    CHECKPOINT_NAME, FORMAT, load_module, load_tensors, model_name, restore_optimizers, stored_tensors,
)
from productgan.checkpoint.kinds import (
    DOMAIN_CLASSIFIER, ENHANCER, GAN, KINDS, LATENT_ENCODER, Kind, kind_of, read_meta, resolve_checkpoint,
    save_checkpoint,
)
from productgan.checkpoint.schema import CheckpointMeta, HeaderSection, gan_model_config
from productgan.checkpoint.shapes import MAX_PARAMETERS, checked_network, planned_state, require_size, require_tensors

__all__ = [
    "CHECKPOINT_NAME", "DOMAIN_CLASSIFIER", "ENHANCER", "FORMAT", "GAN", "KINDS", "LATENT_ENCODER", "MAX_PARAMETERS",
    "CheckpointMeta", "HeaderSection", "Kind", "checked_network", "gan_model_config", "kind_of", "load_module",
    "load_tensors", "model_name", "planned_state", "read_meta", "require_size", "require_tensors", "resolve_checkpoint",
    "restore_optimizers", "save_checkpoint", "stored_tensors",
]
