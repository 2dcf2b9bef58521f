"""Metrics: pure functions over feature arrays and image batches, and the feature extractors they run on."""
