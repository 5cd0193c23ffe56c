"""The CLI shell: help without heavy imports, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

from conftest import run_cli_subprocess


def test_help_lists_every_command_and_exits_zero() -> None:
    proc = run_cli_subprocess("--help")
    assert proc.returncode == 0
    for name in ("pipeline", "bump", "new", "update", "platform", "validate", "status", "dr"):
        assert f"  {name} " in proc.stdout


def test_every_listed_command_loads_and_help_speaks_the_readers_language() -> None:
    import click

    from parasol_gitops import messages
    from parasol_gitops.cli import COMMANDS, cli

    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name, name
    ja = run_cli_subprocess("--lang", "ja", "--help")
    assert ja.returncode == 0
    assert "コマンド:" in ja.stdout
    for name in COMMANDS:
        line = next(line for line in ja.stdout.splitlines() if line.startswith(f"  {name} "))
        assert line.split(None, 1)[1] == messages.t(f"cli.command.{name}", "ja"), name
        assert messages.t(f"cli.command.{name}", "ja") != messages.t(f"cli.command.{name}", "en")


def test_help_does_not_import_copier_or_emitters() -> None:
    code = (
        "import sys\n"
        "from parasol_gitops.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('copier', 'ruamel', 'jsonschema', 'git'))\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in proc.stdout


def test_unknown_command_is_a_usage_error_with_exit_2() -> None:
    proc = run_cli_subprocess("no-such-command")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_platform_spec_rejects_self_calls_and_repeated_callees() -> None:
    import pytest

    from parasol_gitops.errors import SpecError
    from parasol_gitops.spec import PlatformSpec

    base = {"project_name": "shop"}
    with pytest.raises(SpecError, match=r"services\[0\]\.calls\[0\]: a service does not call itself"):
        PlatformSpec.from_answers({**base, "services": [{"name": "a", "calls": ["a"]}]})
    with pytest.raises(SpecError, match=r"services\[0\]\.calls\[1\]: 'b' is listed twice"):
        PlatformSpec.from_answers({**base, "services": [{"name": "a", "calls": ["b", "b"]}, {"name": "b"}]})
