"""The command line: parses arguments, prints, maps typed errors to exit codes. No logic lives here.

Commands are loaded lazily so that ``parasol-gitops --help`` imports neither Copier nor the emitters.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from . import messages
from .errors import ParasolGitopsError

# command name → its module in parasol_gitops.commands (the command is the module's attribute of the same name).
# The one-line help of each is the catalogue's cli.command.<name>, so --help lists the commands in the reader's
# language without importing them.
COMMANDS: dict[str, str] = {
    "alerts": "alerts", "bump": "bump", "changes": "changes", "deploy": "deploy", "dr": "dr", "new": "scaffold",
    "perf": "perf", "pipeline": "pipeline", "platform": "platform", "rollback": "rollback", "service": "service",
    "status": "status", "test": "test", "update": "scaffold", "validate": "validate", "verify": "verify",
}


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # resources.version(), not click's package_name lookup: a source checkout's editable metadata can be stale.
    if not value or ctx.resilient_parsing:
        return
    from .resources import version

    click.echo(f"parasol-gitops, version {version()}")
    ctx.exit()


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        return _with_lang(getattr(importlib.import_module(f"parasol_gitops.commands.{module}"), cmd_name))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, messages.t(f"cli.command.{name}")) for name in self.list_commands(ctx)]
        with formatter.section(messages.t("cli.commands")):
            formatter.write_dl(rows)


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        messages.set_language(value)
        root = ctx.find_root()
        root.ensure_object(dict)
        root.obj["lang_explicit"] = True


def _with_lang(command: click.Command) -> click.Command:
    """``--lang`` on the command and every subcommand too (``pipeline --lang ja``), not only before it; eager, so
    that the messages of the command's own option checks are already in that language."""
    if not any(p.name == "lang" for p in command.params):
        command.params.append(click.Option(
            ["--lang"], type=click.Choice(["en", "ja"]), default=None, expose_value=False, is_eager=True,
            callback=_set_lang, help="Message language (default: locale or project setting)."))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _with_lang(sub)
    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None, help="Message language (default: locale or project setting).")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@click.pass_context
def cli(ctx: click.Context, lang: str | None, debug: bool) -> None:
    """parasol-gitops: services of a Parasol project → an Argo CD GitOps platform.

    Exit codes: 0 success, 1 a check failed, 2 bad input or usage.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["lang_explicit"] = lang is not None  # a subcommand's --lang sets it too (_set_lang)
    if lang is not None:  # None: keep what main() found after the subcommand (`pipeline --lang ja`)
        messages.set_language(lang)


def _lang_in(args: list[str]) -> str | None:
    """``--lang X`` anywhere on the command line, so that even a usage error before it is parsed speaks X."""
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg[7:] if arg.startswith("--lang=") else None
        if value in messages.LANGS:
            return value
    return None


def _usage_error_ja(exc: click.ClickException) -> None:
    """Click's usage errors in Japanese (click ships no Japanese catalogue): usage line, then one error line."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
    if isinstance(exc, click.NoSuchOption):
        text = messages.t("usage.no_such_option", name=exc.option_name)
    elif isinstance(exc, click.MissingParameter) and exc.param is not None:
        text = messages.t("usage.missing", name=exc.param.get_error_hint(ctx) if ctx else str(exc.param.name))
    elif isinstance(exc, click.BadParameter) and exc.param is not None:
        text = messages.t("usage.bad_value", name=exc.param.get_error_hint(ctx) if ctx else str(exc.param.name),
                          message=exc.message)
    else:
        text = messages.t("usage.error", message=exc.format_message())
    click.echo(messages.t("error.prefix", message=text), err=True)


def main(argv: list[str] | None = None) -> Any:
    args = argv if argv is not None else sys.argv[1:]
    debug = "--debug" in args
    if (early := _lang_in(args)) is not None:
        messages.set_language(early)
    try:
        return cli.main(args=argv, prog_name="parasol-gitops", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # usage errors: click's own one-line message, exit 2
        if messages.detect_language() == "ja":
            _usage_error_ja(exc)
        else:
            exc.show()
        sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C or SIGTERM: click wraps it; cleanups have run
            sys.exit(130)
        click.echo("aborted", err=True)
        sys.exit(2)
    except ParasolGitopsError as exc:
        # a check that printed its own result (validate's summary) fails with no message: said once, on stdout
        if exc.message:
            click.echo(messages.t("error.prefix", message=exc.message), err=True)
        if exc.hint:
            click.echo(messages.t("error.hint", hint=exc.hint), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(messages.t("error.internal", message=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
