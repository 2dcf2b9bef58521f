"""Edits of generated products: morphs between two products now; variants, inversion and video later."""

from productgan.edit.morph import encode_gif, morph_frames, product_inputs, slerp

__all__ = ["encode_gif", "morph_frames", "product_inputs", "slerp"]
