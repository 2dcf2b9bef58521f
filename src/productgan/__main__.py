"""`python -m productgan ...` runs the CLI, the same as the `productgan` console script."""

from productgan.cli.app import app

app(prog_name="productgan")
