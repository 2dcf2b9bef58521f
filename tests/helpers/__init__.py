"""Builders shared by test folders: tiny catalogs, configs, photos and forged checkpoints.

Imported as `helpers.<topic>` (pyproject's pytest `pythonpath` puts tests/ on sys.path), so no test
edits sys.path. Trained models built from these live as session fixtures in the conftest.py files.
"""
