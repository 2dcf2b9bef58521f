"""A whole catalog in one command: check the photos against a preset's rules (check.py), and
prepare them, auto-fixed and laid out as the preset asks, with a resumable manifest (prepare.py)."""
