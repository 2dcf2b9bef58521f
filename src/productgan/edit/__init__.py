"""Edits of generated products: morphs between two products now; variants, inversion and video later."""

from productgan.edit.morph import encode_gif, morph_frames, slerp

__all__ = ["encode_gif", "morph_frames", "slerp"]
