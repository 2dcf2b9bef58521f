"""The enhancers shipped with productgan: sr4.safetensors, sr2.safetensors, restore.safetensors.

Package data only (pyproject's package-data), read by productgan.enhance.shipped; docs/ENHANCERS.md
gives the command that trained each file and its held-out figures.
"""
