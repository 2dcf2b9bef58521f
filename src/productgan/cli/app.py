"""The `productgan` command tree, registered in one place: every group and command is added here,
by an explicit call, so this file is the map of the CLI. Each command lives in the module of its
group (cli/train.py, cli/edit.py, ...) and is a few lines over the library."""

from __future__ import annotations

from typing import Optional

import typer

from productgan.cli import catalog, data, demo, edit, enhance, foryou, generate, photo, serve, train
from productgan.cli import eval as evaluate

app = typer.Typer(help="Learn a product catalog; generate new products on demand.", no_args_is_help=True,
                  pretty_exceptions_enable=False)


def print_version(value: bool) -> None:
    """--version: eager, so it answers before a command is asked for; the version a checkpoint records."""
    if value:
        from productgan.version import code_version

        typer.echo(f"productgan {code_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Optional[bool] = typer.Option(None, "--version", callback=print_version, is_eager=True,
                                           help="Print the code version (package version + git commit) and exit."),
) -> None:
    """The options before any command (--version); the group's help is the Typer's above."""


app.command("train")(train.train)
app.command("generate")(generate.generate)
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.command("foryou")(foryou.foryou_command)

data_app = typer.Typer(help="Inspect catalogs.", no_args_is_help=True)
data_app.command("inspect")(data.data_inspect)
app.add_typer(data_app, name="data")

eval_app = typer.Typer(cls=evaluate.DefaultCommandGroup, no_args_is_help=True,
                       help="Measure a run (FID, KID, precision/recall, conditional accuracy, ...) beside its real-vs-real floor.")
eval_app.command("run")(evaluate.eval_run)
eval_app.command("train-features")(evaluate.eval_train_features)
app.add_typer(eval_app, name="eval")

PHOTO_COMMANDS = {"recolor": photo.recolor_command, "mask": photo.mask_command, "cutout": photo.cutout_command,
                  "scale": photo.scale_command, "rotate": photo.rotate_command, "flip": photo.flip_command,
                  "whiten": photo.whiten_command}


def moved(old: str, new: str, command) -> dict:
    """Registration of an old command name, for one release: hidden, working, its help pointing on."""
    return {"name": old, "hidden": True, "help": f"Moved to `productgan photo {new}`; this name goes in the next "
            "release. " + (command.__doc__ or "")}


photo_app = typer.Typer(help=photo.HELP, no_args_is_help=True)
for name, command in PHOTO_COMMANDS.items():
    photo_app.command(name)(command)
    if name in photo.OLD_SPELLINGS:
        photo_app.command(**moved(photo.OLD_SPELLINGS[name], name, command))(command)
app.add_typer(photo_app, name="photo")

edit_app = typer.Typer(help=edit.HELP, no_args_is_help=True)
edit_app.command("variants")(edit.variants_command)
edit_app.command("clip")(edit.clip_command)
edit_app.command("turntable")(edit.turntable_command)
edit_app.command("invert")(edit.invert_command)
edit_app.command("train-encoder")(edit.train_encoder_command)
for name, command in PHOTO_COMMANDS.items():  # the old names, for one release
    if name in photo.ALSO_UNDER_EDIT:
        continue
    edit_app.command(**moved(photo.OLD_SPELLINGS.get(name, name), name, command))(command)
for name in photo.ALSO_UNDER_EDIT:  # new, not moved: the name the issue asked for answers too, hidden
    edit_app.command(name, hidden=True, help=f"The same as `productgan photo {name}`, where the photo edits live. "
                     + (PHOTO_COMMANDS[name].__doc__ or ""))(PHOTO_COMMANDS[name])
app.add_typer(edit_app, name="edit")

enhance_app = typer.Typer(help=enhance.HELP, no_args_is_help=True)
enhance_app.command("apply")(enhance.apply)
enhance_app.command("train")(enhance.train)
enhance_app.command("export")(enhance.export)
app.add_typer(enhance_app, name="enhance")

catalog_app = typer.Typer(help=catalog.HELP, no_args_is_help=True)
catalog_app.command("check")(catalog.check_command)
catalog_app.command("prepare")(catalog.prepare_command)
app.add_typer(catalog_app, name="catalog")
