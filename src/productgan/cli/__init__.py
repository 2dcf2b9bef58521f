"""The `productgan` command line: cli/app.py registers every command; one module per command group."""

from productgan.cli.app import app

__all__ = ["app"]
