"""Edits of products. Generated ones: morphs, variants (every level of an attribute), clips and
turntables, inversion of a real photo into the generator (morph, variants, clips, inversion, encoder,
measure). Real photos, no GAN needed: masks, recolouring, geometry (mask, recolour, geometry, photo)."""

from productgan.edit.clips import morph_clip, turntable_frames, write_clip
from productgan.edit.inversion import InversionSettings, edit, invert
from productgan.edit.morph import encode_gif, morph_frames, slerp
from productgan.edit.variants import Variants, variant_sheet, variants

__all__ = ["InversionSettings", "Variants", "edit", "encode_gif", "invert", "morph_clip", "morph_frames", "slerp",
           "turntable_frames", "variant_sheet", "variants", "write_clip"]
