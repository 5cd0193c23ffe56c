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

# name → (module, attribute, one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "pipeline": ("parasol_gitops.commands.pipeline", "pipeline", "Synthesize GitHub Actions or GitLab CI from pipeline.yaml."),
    "bump": ("parasol_gitops.commands.bump", "bump", "Set a service image in an overlay's kustomization.yaml (the deploy step)."),
    "new": ("parasol_gitops.commands.scaffold", "new", "Create a GitOps repository from the template (copier copy)."),
    "update": ("parasol_gitops.commands.scaffold", "update", "Upgrade a GitOps repository to a newer template (copier update)."),
    "platform": ("parasol_gitops.commands.platform", "platform", "Parasol phase 7: write outputs/7-platform from the project's services."),
    "validate": ("parasol_gitops.commands.validate", "validate", "Build, schema-check and policy-check a GitOps repository."),
    "status": ("parasol_gitops.commands.status", "status", "Milestone readiness (status vms5)."),
    "dr": ("parasol_gitops.commands.dr", "dr", "Record disaster-recovery drills as evidence for VMS5."),
    "changes": ("parasol_gitops.commands.changes", "changes", "CI: the services a change must run (a GitHub matrix or JSON)."),
    "test": ("parasol_gitops.commands.test", "test", "CI: lint, tests and coverage gate of one service (or its smoke test)."),
    "deploy": ("parasol_gitops.commands.deploy", "deploy", "CI: GitOps deploy of one service (bump, commit, push with retry)."),
    "rollback": ("parasol_gitops.commands.rollback", "rollback", "CI: revert a service's deploy commit and push."),
    "perf": ("parasol_gitops.commands.perf", "perf", "Record k6 load-test runs as evidence for VMS5."),
    "alerts": ("parasol_gitops.commands.alerts", "alerts", "Prove the alert rules with promtool (check + unit tests)."),
    "verify": ("parasol_gitops.commands.verify", "verify", "After a deploy: health URL, Prometheus error rate and p95 vs the rollback thresholds."),
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
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        return getattr(module, entry[1])

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


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
    ctx.obj["lang_explicit"] = lang is not None
    messages.set_language(lang)


def main(argv: list[str] | None = None) -> Any:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="parasol-gitops", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # usage errors: click's own one-line message, exit 2
        exc.show()
        sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C or SIGTERM: click wraps it; cleanups have run
            sys.exit(130)
        click.echo("aborted", err=True)
        sys.exit(2)
    except ParasolGitopsError as exc:
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
