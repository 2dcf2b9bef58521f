"""`python -m productgan.cli ...` (as bench scripts and torchrun call it) runs the CLI."""

from productgan.cli.app import app

app(prog_name="productgan")
