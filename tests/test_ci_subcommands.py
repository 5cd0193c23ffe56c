"""The subcommands generated CI calls, as Python and as a CLI on real git repositories: ``changes``, ``test``,
``deploy``, ``rollback``; and the bad input they and ``pipeline`` refuse with exit 2."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from parasol_gitops.pipeline import testplan
from parasol_gitops.pipeline.gitops import _auth_env
from parasol_gitops.pipeline.spectypes import Service
from parasol_gitops.pipeline.testrun import parse_total, read_report
from parasol_gitops.pipeline.toolpkg import check_tool_package
from tests.conftest import run_cli

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
DIGEST = "sha256:" + "ab" * 32
DIGEST2 = "sha256:" + "cd" * 32
NOTHING = ("service orders: no lint/test command and no recognised build file in services/orders/src "
           "(set services[].commands)")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process: the commands a step runs write to the job log directly."""
    import os

    return subprocess.run([sys.executable, "-m", "parasol_gitops", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


# --- changes --------------------------------------------------------------------------------------------------

SPEC3 = """version: 1
services:
  - {name: orders, path: services/orders, image: ghcr.io/e/orders}
  - {name: payments, path: services/payments, image: ghcr.io/e/payments, watch: [proto/payments]}
  - {name: web, path: web, image: ghcr.io/e/web, strategy: canary, canary_steps: [20, 100]}
shared_paths: [libs/common]
"""


@pytest.fixture()
def app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    git(root, "init", "-q")
    (root / "pipeline.yaml").write_text(SPEC3)
    for folder in ("services/orders", "services/payments", "web", "libs/common", "proto/payments"):
        (root / folder).mkdir(parents=True)
        (root / folder / "a.txt").write_text("1\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def _change(root: Path, *files: str) -> tuple[str, str]:
    base = git(root, "rev-parse", "HEAD")
    for rel in files:
        (root / rel).write_text((root / rel).read_text() + "2\n")
    git(root, "commit", "-qam", "change")
    return base, git(root, "rev-parse", "HEAD")


def _selected(root: Path, *args: str) -> list[str]:
    result = run_cli("changes", "--format", "json", *args, cwd=root)
    assert result.exit_code == 0, result.stderr
    return [s["name"] for s in json.loads(result.stdout)]


def test_changes_selects_the_services_a_real_git_change_touches(app: Path) -> None:
    base, head = _change(app, "services/payments/a.txt")
    assert _selected(app, "--base", base, "--head", head) == ["payments"]
    base, head = _change(app, "proto/payments/a.txt")  # a watched path
    assert _selected(app, "--base", base, "--head", head) == ["payments"]
    base, head = _change(app, "web/a.txt", "services/orders/a.txt")
    assert _selected(app, "--base", base, "--head", head) == ["orders", "web"]  # spec order
    base, head = _change(app, "libs/common/a.txt")  # a shared path: everything
    assert _selected(app, "--base", base, "--head", head) == ["orders", "payments", "web"]


def test_changes_runs_everything_when_the_diff_cannot_decide(app: Path) -> None:
    base, head = _change(app, "web/a.txt")
    everything = ["orders", "payments", "web"]
    assert _selected(app, "--base", "0" * 40, "--head", head) == everything  # a new branch
    assert _selected(app, "--base", "", "--head", head) == everything
    assert _selected(app, "--base", "f" * 40, "--head", head) == everything  # base not in this clone
    assert _selected(app, "--base", base, "--head", head, "--ref-type", "tag") == everything
    assert _selected(app, "--base", base, "--head", head, "--event", "workflow_dispatch") == everything


def test_changes_writes_the_github_matrix_with_strategies(app: Path, tmp_path: Path) -> None:
    base, head = _change(app, "web/a.txt")
    out = tmp_path / "github_output"
    out.write_text("earlier=1\n")
    result = run_cli("changes", "--base", base, "--head", head, cwd=app, env={"GITHUB_OUTPUT": str(out)})
    assert result.exit_code == 0, result.stderr
    assert "services to run: web" in result.stdout
    lines = out.read_text().splitlines()
    assert lines[0] == "earlier=1" and lines[2] == "any=true"
    matrix = json.loads(lines[1].removeprefix("services="))
    assert matrix == [{"context": "web", "dockerfile": "web/Dockerfile", "image": "ghcr.io/e/web", "name": "web",
                       "path": "web", "steps_production": "20 100", "steps_staging": "10 50 100",
                       "strategy_production": "canary", "strategy_staging": "rolling"}]
    nothing = run_cli("changes", "--base", head, "--head", head, cwd=app, env={"GITHUB_OUTPUT": str(out)})
    assert nothing.exit_code == 0 and out.read_text().endswith("services=[]\nany=false\n")


def test_changes_without_github_output_or_spec_is_bad_input(app: Path, tmp_path: Path) -> None:
    result = run_cli("changes", "--head", "HEAD", cwd=app, env={"GITHUB_OUTPUT": ""})
    assert result.exit_code == 2 and "$GITHUB_OUTPUT" in result.stderr
    missing = run_cli("changes", "--head", "HEAD", "--format", "json", cwd=tmp_path)
    assert missing.exit_code == 2 and "pipeline.yaml does not exist" in missing.stderr


# --- test -----------------------------------------------------------------------------------------------------

def _service_repo(tmp_path: Path, service_yaml: str, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    (root / "services/orders/src").mkdir(parents=True)
    (root / "pipeline.yaml").write_text("version: 1\nservices:\n  - name: orders\n    path: services/orders/src\n"
                                        "    image: ghcr.io/e/orders\n" + service_yaml)
    for rel, text in files.items():
        (root / "services/orders/src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "services/orders/src" / rel).write_text(text)
    return root


def test_no_command_and_no_build_file_fails_with_the_one_line(tmp_path: Path) -> None:
    root = _service_repo(tmp_path, "", {"main.txt": "no build file here\n"})
    result = cli(root, "test", "orders")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {NOTHING}"]


def test_spec_commands_run_whatever_the_files_are_and_the_coverage_gate_decides(tmp_path: Path) -> None:
    commands = ("    commands: {lint: 'test -f weird.lang', test: 'echo unit-ran',"
                " coverage: 'printf \"x\\n81.5%%\\n\"'}\n")
    root = _service_repo(tmp_path, commands, {"weird.lang": "?\n"})
    passed = cli(root, "test", "orders", "--coverage-threshold", "80")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "unit-ran" in passed.stdout and "coverage 81.5% (threshold 80%)" in passed.stdout
    assert "integration: not run (not set in services[].commands)" in passed.stdout
    low = cli(root, "test", "orders", "--coverage-threshold", "90")
    assert low.returncode == 1
    assert low.stderr.strip() == "error: service orders: coverage 81.5% is below the threshold 90%"
    (root / "services/orders/src/weird.lang").unlink()
    lint = cli(root, "test", "orders")
    assert lint.returncode == 1 and "service orders: lint failed (exit 1): test -f weird.lang" in lint.stderr


def test_the_default_threshold_is_the_lint_and_test_stage(tmp_path: Path) -> None:
    commands = "    commands: {test: 'true', coverage: 'echo 70'}\nsettings: {coverage_threshold: 75}\n"
    root = _service_repo(tmp_path, commands, {})
    result = cli(root, "test", "orders")
    assert result.returncode == 1 and "below the threshold 75%" in result.stderr


def test_skips_are_explicit_and_their_reason_is_printed(tmp_path: Path) -> None:
    listed = _service_repo(tmp_path, "    commands: {test: 'true'}\n    skip: [lint, coverage]\n"
                                     "    skip_reason: linted by the monorepo job\n", {})
    result = cli(listed, "test", "orders")
    assert result.returncode == 0, result.stderr
    assert "lint: skipped on purpose: linted by the monorepo job" in result.stdout
    assert "coverage: skipped on purpose: linted by the monorepo job" in result.stdout
    assert "not measured" not in result.stdout
    (listed / "pipeline.yaml").write_text((listed / "pipeline.yaml").read_text().replace(
        "    skip_reason: linted by the monorepo job\n", ""))
    unexplained = cli(listed, "test", "orders")
    assert unexplained.returncode == 2 and "services[0].skip: a skip list needs skip_reason" in unexplained.stderr


def test_a_skip_mapping_can_skip_everything_with_reasons(tmp_path: Path) -> None:
    root = _service_repo(tmp_path, "    skip: {lint: generated code, test: contract-tested elsewhere}\n", {})
    result = cli(root, "test", "orders")
    assert result.returncode == 0, result.stderr
    assert "unit: skipped on purpose: contract-tested elsewhere" in result.stdout
    assert "coverage: not measured (no coverage command or report)" in result.stdout


def test_python_service_detected_and_really_tested(tmp_path: Path) -> None:
    files = {"requirements.txt": "", "app.py": "def add(a, b):\n    return a + b\n",
             "test_app.py": "from app import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"}
    root = _service_repo(tmp_path, "", files)
    result = cli(root, "test", "orders")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "commands from requirements.txt" in result.stdout
    assert "1 passed" in result.stdout and "coverage 100.0% (threshold 80%)" in result.stdout
    (root / "services/orders/src/test_app.py").write_text(files["test_app.py"].replace("== 3", "== 4"))
    failing = cli(root, "test", "orders")
    assert failing.returncode == 1
    assert "service orders: unit failed (exit 1): python -m pytest" in failing.stderr


@pytest.mark.parametrize(("files", "source", "expected"), [
    ({"package.json": '{"scripts": {"lint": "eslint .", "test": "node --test"}}', "package-lock.json": "{}"},
     "package.json", ["setup: npm ci", "lint: npm run lint", "unit: npm test",
                      "coverage: coverage/coverage-summary.json"]),
    ({"pyproject.toml": '[project]\nname = "x"\nversion = "1"\n[project.optional-dependencies]\ntest = []\n'},
     "pyproject.toml", ["setup: python -m pip install --quiet --disable-pip-version-check ruff pytest pytest-cov"
                        " && python -m pip install --quiet --disable-pip-version-check -e '.[test]'",
                        "lint: python -m ruff check .", "unit: python -m pytest -q --cov=. --cov-report=",
                        "coverage: python -m coverage report --format=total"]),
    ({"go.mod": "module x\n"}, "go.mod", ["lint: go vet ./...", "unit: go test -coverprofile=coverage.out ./...",
                                          "coverage: go tool cover -func=coverage.out"]),
    ({"pom.xml": "<project/>", "mvnw": ""}, "pom.xml", ["unit: ./mvnw -B verify",
                                                        "coverage: target/site/jacoco/jacoco.csv"]),
    ({"build.gradle.kts": ""}, "build.gradle.kts", ["unit: gradle check",
                                                    "coverage: build/reports/jacoco/test/jacocoTestReport.csv"]),
    ({"Cargo.toml": "[package]\n"}, "Cargo.toml", ["lint: cargo clippy --all-targets -- -D warnings",
                                                   "unit: cargo test"]),
])
def test_build_files_give_the_usual_commands(tmp_path: Path, files: dict[str, str], source: str,
                                             expected: list[str]) -> None:
    root = _service_repo(tmp_path, "", files)
    result = cli(root, "test", "orders", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"commands from {source}" in result.stdout
    assert [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")] == expected
    assert result.stdout.rstrip().endswith("dry run: nothing was run")


def test_recorded_language_is_the_last_resort(tmp_path: Path) -> None:
    svc = Service(name="orders", path="src", image="orders", dockerfile="src/Dockerfile", context="src", watch=(),
                  commands={}, skip={}, language="node", strategy="", canary_steps=(), ci_image="")
    assert [s.command for s in testplan.build_plan(svc, tmp_path).steps] == ["node --test"]
    with pytest.raises(Exception, match="no recognised build file in src"):
        testplan.build_plan(dataclasses.replace(svc, language="java-maven"), tmp_path)


def test_package_json_without_test_script_is_no_command(tmp_path: Path) -> None:
    root = _service_repo(tmp_path, "", {"package.json": '{"scripts": {"start": "node app.js"}}'})
    result = cli(root, "test", "orders")
    assert result.returncode == 1
    assert "package.json gives no lint or test command (package.json has no lint script; package.json has no " \
           "test script)" in result.stderr


def test_coverage_readers() -> None:
    assert parse_total("Name  Stmts\nTOTAL 10\n87\n") == 87
    assert parse_total("total:\t(statements)\t85.7%\n") == 85.7
    assert parse_total("no number\n") is None and parse_total("") is None


def test_coverage_reports(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text('{"total": {"lines": {"pct": 91.25}}}')
    assert read_report(summary, "json-summary") == 91.25
    jacoco = tmp_path / "jacoco.csv"
    jacoco.write_text("GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,"
                      "LINE_MISSED,LINE_COVERED\ng,p,A,1,9,0,0,1,3\ng,p,B,0,5,0,0,0,4\n")
    assert read_report(jacoco, "jacoco") == 87.5
    summary.write_text("{}")
    assert read_report(summary, "json-summary") is None


def test_smoke(tmp_path: Path) -> None:
    root = _service_repo(tmp_path, "    commands: {test: 'true'}\n", {})
    none = cli(root, "test", "orders", "--smoke", "--env", "staging")
    assert none.returncode == 0 and "no smoke command" in none.stdout
    spec = (root / "pipeline.yaml").read_text()
    (root / "pipeline.yaml").write_text(spec.replace("{test: 'true'}", "{test: 'true', smoke: 'test -f up'}"))
    down = cli(root, "test", "orders", "--smoke", "--env", "staging", "--attempts", "2", "--interval", "0")
    assert down.returncode == 1 and "smoke test in staging failed 2 times" in down.stderr
    (root / "services/orders/src/up").write_text("")
    assert cli(root, "test", "orders", "--smoke", "--env", "staging").returncode == 0
    unknown = cli(root, "test", "orders", "--smoke", "--env", "qa")
    assert unknown.returncode == 2 and "unknown environment 'qa'" in unknown.stderr


# --- deploy and rollback --------------------------------------------------------------------------------------

OVERLAY = "services/orders/overlays/staging/kustomization.yaml"
KUSTOMIZATION = "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/e/orders\n    newTag: \"0.1.0\"\n"


@pytest.fixture()
def gitops(tmp_path: Path) -> tuple[Path, Path]:
    """A bare GitOps remote holding the orders overlay, and an application folder with pipeline.yaml."""
    bare = tmp_path / "gitops.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    (seed / OVERLAY).parent.mkdir(parents=True)
    (seed / OVERLAY).write_text(KUSTOMIZATION)
    (seed / "README.md").write_text("gitops\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "init")
    git(seed, "push", "-q", "origin", "HEAD:main")
    app = tmp_path / "app"
    (app / "services/orders/src").mkdir(parents=True)
    (app / "pipeline.yaml").write_text("version: 1\nservices:\n  - {name: orders, path: services/orders/src, "
                                       "image: ghcr.io/e/orders}\n")
    return bare, app


def _deploy(app: Path, bare: Path, digest: str = DIGEST, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli(app, "deploy", "--service", "orders", "--env", "staging", "--tag", "abc123", "--digest", digest,
               "--repository", f"file://{bare}", "--gitops-dir", "gitops", "--output", "deploy.env", *extra)


def test_deploy_commits_with_the_trailer_pushes_and_reports_the_commit(gitops: tuple[Path, Path]) -> None:
    bare, app = gitops
    result = _deploy(app, bare)
    assert result.returncode == 0, result.stderr
    sha = git(bare, "rev-parse", "main")
    assert git(bare, "log", "-n", "1", "--format=%s%n%b", "main").splitlines() == [
        "deploy(staging): orders abc123", f"Image: ghcr.io/e/orders@{DIGEST}", "", "Parasol-Deploy: staging/orders"]
    assert git(bare, "show", f"main:{OVERLAY}") == KUSTOMIZATION.replace(
        'newTag: "0.1.0"\n', f'newTag: "abc123"\n    digest: {DIGEST}\n').rstrip("\n")
    assert (app / "deploy.env").read_text() == f"DEPLOYED_COMMIT={sha}\n"
    again = _deploy(app, bare)  # the clone is fetched again; the overlay already has the digest
    assert again.returncode == 0 and "nothing to commit" in again.stdout
    assert git(bare, "rev-parse", "main") == sha
    assert (app / "deploy.env").read_text().endswith("DEPLOYED_COMMIT=\n")


def test_deploy_rebases_and_retries_when_another_push_won(gitops: tuple[Path, Path], tmp_path: Path) -> None:
    bare, app = gitops
    git(app, "clone", "-q", str(bare), "gitops")  # our checkout, then someone else pushes first
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(bare), str(other))
    (other / "README.md").write_text("changed meanwhile\n")
    git(other, "commit", "-qam", "unrelated change")
    git(other, "push", "-q", "origin", "HEAD:main")
    result = cli(app, "deploy", "--service", "orders", "--env", "staging", "--tag", "abc123", "--digest", DIGEST,
                 "--output", "deploy.env")
    assert result.returncode == 0, result.stderr
    assert "push rejected (attempt 1): rebasing on main" in result.stdout
    assert git(bare, "log", "--format=%s", "main").splitlines()[:2] == [
        "deploy(staging): orders abc123", "unrelated change"]


def test_deploy_gives_up_on_a_conflicting_rebase(gitops: tuple[Path, Path], tmp_path: Path) -> None:
    bare, app = gitops
    git(app, "clone", "-q", str(bare), "gitops")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(bare), str(other))
    (other / OVERLAY).write_text(KUSTOMIZATION.replace("0.1.0", "0.1.1"))
    git(other, "commit", "-qam", "someone else's deploy")
    git(other, "push", "-q", "origin", "HEAD:main")
    result = cli(app, "deploy", "--service", "orders", "--env", "staging", "--tag", "abc123", "--digest", DIGEST,
                 "--output", "deploy.env")
    assert result.returncode == 1
    assert "cannot rebase on main" in result.stderr
    assert git(bare, "log", "-n", "1", "--format=%s", "main") == "someone else's deploy"
    assert (app / "deploy.env").read_text() == "DEPLOYED_COMMIT=\n"  # the rollback must not guess


def test_deploy_bad_input_is_exit_2_and_pushes_nothing(gitops: tuple[Path, Path]) -> None:
    bare, app = gitops
    before = git(bare, "rev-parse", "main")
    bad_digest = _deploy(app, bare, "sha256:abc")
    assert bad_digest.returncode == 2 and "--digest sha256:abc: expected sha256:<64 hex>" in bad_digest.stderr
    unknown = cli(app, "deploy", "--service", "order", "--env", "staging", "--tag", "t", "--digest", DIGEST)
    assert unknown.returncode == 2 and "unknown service 'order'" in unknown.stderr
    assert "did you mean 'orders'?" in unknown.stderr
    no_overlay = cli(app, "deploy", "--service", "orders", "--env", "production", "--tag", "t", "--digest", DIGEST,
                     "--repository", f"file://{bare}", "--gitops-dir", "gitops")
    assert no_overlay.returncode == 2
    assert "the overlay services/orders/overlays/production does not exist" in no_overlay.stderr
    not_a_clone = cli(app, "deploy", "--service", "orders", "--env", "staging", "--tag", "t", "--digest", DIGEST,
                      "--gitops-dir", "services")
    assert not_a_clone.returncode == 2 and "is not a git clone" in not_a_clone.stderr
    assert "Traceback" not in bad_digest.stderr + unknown.stderr + no_overlay.stderr + not_a_clone.stderr
    assert git(bare, "rev-parse", "main") == before


def test_a_failed_migration_deploys_nothing(gitops: tuple[Path, Path]) -> None:
    bare, app = gitops
    (app / "pipeline.yaml").write_text((app / "pipeline.yaml").read_text().replace(
        "image: ghcr.io/e/orders}", "image: ghcr.io/e/orders, commands: {migrate: 'echo migrating; exit 3'}}"))
    before = git(bare, "rev-parse", "main")
    result = _deploy(app, bare)
    assert result.returncode == 1 and "the migration failed (exit 3); nothing was deployed" in result.stderr
    assert "migrating" in result.stdout
    assert git(bare, "rev-parse", "main") == before


def test_rollback_reverts_the_newest_unreverted_deploy_then_the_one_before(gitops: tuple[Path, Path]) -> None:
    bare, app = gitops
    assert _deploy(app, bare, DIGEST).returncode == 0
    first = git(bare, "rev-parse", "main")
    assert _deploy(app, bare, DIGEST2).returncode == 0
    second = git(bare, "rev-parse", "main")
    args = ["rollback", "--service", "orders", "--env", "staging", "--repository", f"file://{bare}",
            "--gitops-dir", "gitops"]
    result = cli(app, *args)
    assert result.returncode == 0, result.stderr
    assert f"reverted {second}" in result.stdout
    body = git(bare, "log", "-n", "1", "--format=%s%n%b", "main")
    assert body.startswith("rollback(staging): orders") and f"This reverts commit {second}." in body
    assert "Parasol-Rollback: staging/orders" in body
    assert DIGEST in git(bare, "show", f"main:{OVERLAY}")
    assert f"reverted {first}" in cli(app, *args).stdout
    assert git(bare, "show", f"main:{OVERLAY}") == KUSTOMIZATION.rstrip("\n")
    nothing = cli(app, *args)
    assert nothing.returncode == 1 and "no deploy of orders to staging left to roll back" in nothing.stderr


def test_rollback_of_an_explicit_commit(gitops: tuple[Path, Path]) -> None:
    bare, app = gitops
    assert _deploy(app, bare).returncode == 0
    deployed = git(bare, "rev-parse", "main")
    args = ["rollback", "--service", "orders", "--env", "staging", "--repository", f"file://{bare}",
            "--gitops-dir", "gitops"]
    empty = cli(app, *args, "--commit", "")
    assert empty.returncode == 0 and "deployed nothing" in empty.stdout
    assert git(bare, "rev-parse", "main") == deployed
    init = git(bare, "rev-list", "--max-parents=0", "main")
    not_a_deploy = cli(app, *args, "--commit", init)
    assert not_a_deploy.returncode == 2 and "is not a deploy commit of orders in staging" in not_a_deploy.stderr
    assert cli(app, *args, "--commit", "not-a-sha").returncode == 2
    assert cli(app, *args, "--commit", deployed[:12]).returncode == 0
    again = cli(app, *args, "--commit", deployed)
    assert again.returncode == 0 and "is already reverted" in again.stdout
    bad = cli(app, "rollback", "--service", "Orders", "--env", "staging", "--gitops-dir", "gitops")
    assert bad.returncode == 2 and "'Orders' is not a DNS-1123 label" in bad.stderr


def test_push_credentials_travel_in_the_environment_not_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_TOKEN", "s3cret")
    monkeypatch.setenv("GIT_TOKEN_USER", "oauth2")
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    env = _auth_env()
    assert env["GIT_CONFIG_COUNT"] == "2" and env["GIT_CONFIG_KEY_1"] == "http.extraheader"
    import base64

    assert env["GIT_CONFIG_VALUE_1"] == "Authorization: Basic " + base64.b64encode(b"oauth2:s3cret").decode()
    monkeypatch.delenv("GIT_TOKEN")
    assert "GIT_CONFIG_KEY_1" not in _auth_env()


# --- bad input in the spec --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["parasol-gitops==0.2.0", "git+https://github.com/example/parasol-gitops@v0.2.0",
                                   "https://example.org/dl/parasol_gitops-0.2.0-py3-none-any.whl",
                                   "parasol-gitops @ https://example.org/dl/parasol_gitops-0.2.0-py3-none-any.whl",
                                   'parasol-gitops>=0.2; python_version >= "3.11"', "file:///srv/wheels/p-1-py3-none-any.whl"])
def test_tool_package_accepts_requirements_and_urls(value: str) -> None:
    assert check_tool_package(value) is None


@pytest.mark.parametrize(("value", "needle"), [
    ("--index-url https://evil.example/simple", "is a pip option"),
    ("parasol-gitops 0.2.0", "is not a valid pip requirement"),
    ("parasol-gitops==", "is not a valid pip requirement"),
    ("ftp://example.org/p.whl", "pip cannot install from a 'ftp' URL"),
    ("https://example.org/releases", "must point at a wheel or an sdist"),
    (" parasol-gitops", "spaces around it"),
])
def test_invalid_tool_package_is_exit_2_naming_the_setting(tmp_path: Path, value: str, needle: str) -> None:
    spec = tmp_path / "pipeline.yaml"
    spec.write_text("version: 1\nservices:\n  - {name: a, path: a, image: ghcr.io/e/a}\n"
                    f"settings:\n  tool_package: {json.dumps(value)}\n")
    result = run_cli("pipeline", "--target", "gitlab", "--spec", str(spec), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {spec}: settings.tool_package: ") and needle in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["echo ${{ secrets.X }}", "echo $(id)", "echo `id`", "line\\nbreak"])
def test_a_command_that_could_inject_is_exit_2_for_every_subcommand(tmp_path: Path, command: str) -> None:
    (tmp_path / "pipeline.yaml").write_text("version: 1\nservices:\n  - {name: a, path: a, image: ghcr.io/e/a, "
                                            f"commands: {{test: \"{command}\"}}}}\n")
    for args in (["pipeline", "--target", "github", "--out", "out"], ["test", "a"],
                 ["changes", "--head", "HEAD", "--format", "json"]):
        result = run_cli(*args, cwd=tmp_path)
        assert result.exit_code == 2, (args, result)
        assert "services[0].commands.test: value contains" in result.stderr
    assert not (tmp_path / "out").exists()


def test_test_and_unit_are_one_command(tmp_path: Path) -> None:
    (tmp_path / "pipeline.yaml").write_text("version: 1\nservices:\n  - {name: a, path: a, image: ghcr.io/e/a, "
                                            "commands: {test: make test, unit: make unit}}\n")
    result = run_cli("test", "a", cwd=tmp_path)
    assert result.exit_code == 2 and "give test or unit, not both" in result.stderr


def test_github_deploy_workflow_steps_run_as_written(gitops: tuple[Path, Path], tmp_path: Path) -> None:
    """deploy.yml's deploy step and its `if: failure()` rollback step, run with bash exactly as written (their
    `env:` with the inputs filled in): the deploy lands, the verification cannot reach the service here, and
    the rollback reverts the commit the step reported in $GITHUB_OUTPUT."""
    import os

    from ruamel.yaml import YAML

    from parasol_gitops.pipeline import load_spec, synthesize

    bare, app = gitops
    (app / "pipeline.yaml").write_text((app / "pipeline.yaml").read_text() + "environments:\n"
                                       "  - {name: staging, url: 'http://127.0.0.1:9/{service}'}\n"
                                       "  - {name: production}\n"
                                       f"gitops: {{repository: 'file://{bare}'}}\n")
    workflow = YAML(typ="safe").load(synthesize(load_spec(app / "pipeline.yaml"), "github")[
        ".github/workflows/deploy.yml"])
    steps = {s["name"]: s for s in workflow["jobs"]["deploy"]["steps"]}
    git(app, "clone", "-q", str(bare), "gitops")  # what the "Check out the GitOps repository" step does
    (app / "digests").mkdir()
    (app / "digests" / "orders").write_text(DIGEST + "\n")
    output = tmp_path / "github_output"
    output.write_text("")
    inputs = {"inputs.service": "orders", "inputs.environment": "staging", "inputs.image": "ghcr.io/e/orders",
              "inputs.strategy": "rolling", "inputs.steps": "100", "github.sha": "abc123", "vars.PROMETHEUS_URL": "",
              "secrets.GITOPS_TOKEN": ""}

    def run(step: dict, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        env = {k: str(v) for k, v in step["env"].items()}
        for key, value in env.items():
            for expr, actual in inputs.items():
                value = value.replace("${{ " + expr + " }}", actual)
            env[key] = value
        env |= extra
        assert not any("${{" in v for v in env.values()), env
        return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=app, capture_output=True, text=True,
                              env={**os.environ, **env, "GITHUB_OUTPUT": str(output), "VERIFY_WINDOW_SECONDS": "2",
                                   "VERIFY_TIMEOUT_SECONDS": "20"}, timeout=300)

    deploy = run(steps["Deploy (bump, commit, push), smoke test, verify"], {})
    assert deploy.returncode != 0  # the verification failed: nothing answers on 127.0.0.1:9
    assert "deployed orders abc123 to staging" in deploy.stdout
    deployed = git(bare, "rev-parse", "main")
    assert output.read_text() == f"DEPLOYED_COMMIT={deployed}\n"
    assert "Parasol-Deploy: staging/orders" in git(bare, "log", "-n", "1", "--format=%b", "main")
    rollback = steps["Automatic rollback (revert the deploy commit)"]
    assert rollback["if"] == "failure() && steps.deploy.outputs.DEPLOYED_COMMIT != ''"
    reverted = run(rollback, {"DEPLOYED_COMMIT": deployed})
    assert reverted.returncode == 0, reverted.stderr
    assert f"This reverts commit {deployed}." in git(bare, "log", "-n", "1", "--format=%b", "main")
    assert git(bare, "show", f"main:{OVERLAY}") == KUSTOMIZATION.rstrip("\n")


def test_missing_build_and_integration_inputs_fail_with_one_line(tmp_path: Path) -> None:
    """The generated build, e2e and k6 scripts, run as written: a missing input fails the job with one line
    naming the path it looked for; the GitLab build prints its exact command (and stops there on a dry run)."""
    import os

    from ruamel.yaml import YAML

    from parasol_gitops.pipeline import PIPELINES_DIR, load_spec, synthesize

    spec = load_spec(PIPELINES_DIR / "examples" / "single-service.yaml")
    child = YAML(typ="safe").load(synthesize(spec, "gitlab")[".gitlab/ci/service-rolling.yml"])
    ci = YAML(typ="safe").load(synthesize(spec, "github")[".github/workflows/ci.yml"])
    github_check = next(s for s in ci["jobs"]["build"]["steps"] if s["name"] == "Check the Dockerfile")["run"]
    env = {**os.environ, "SERVICE": "hello", "DOCKERFILE": "src/Dockerfile", "CONTEXT": "src", "SBOM": "true",
           "PROVENANCE": "false", "IMAGE": "ghcr.io/e/hello", "CI_COMMIT_SHA": "abc", "PARASOL_BUILD_DRY_RUN": "true",
           "E2E_PATH": "tests/e2e", "K6_SCRIPT": "tests/performance/load.js", "BASE_URL": "https://x.example"}

    def run(script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["sh", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)

    missing = "service hello: no Dockerfile at src/Dockerfile (add it, or set services[].dockerfile in pipeline.yaml)"
    for script in (child[".parasol-build"]["script"][0], github_check):
        result = run(script)
        assert result.returncode == 1 and result.stderr.strip() == missing
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Dockerfile").write_text("FROM scratch\n")
    dry = run(child[".parasol-build"]["script"][0])
    assert dry.returncode == 0 and dry.stdout.splitlines() == [
        "buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=src --local dockerfile=src "
        "--opt filename=Dockerfile --opt attest:sbom= --import-cache type=registry,ref=ghcr.io/e/hello:buildcache "
        "--export-cache type=registry,ref=ghcr.io/e/hello:buildcache,mode=max "
        '--output type=image,"name=ghcr.io/e/hello:abc",push=true --metadata-file metadata.json',
        "PARASOL_BUILD_DRY_RUN: the image was not built (no digest, so nothing can be deployed)"]
    assert not (tmp_path / "build.env").exists()
    e2e = run(child["integration_test-e2e"]["script"][0])
    assert e2e.returncode == 1 and e2e.stderr.startswith("e2e: no tests/e2e/package.json (add the Playwright tests")
    k6 = run(child["integration_test-performance"]["script"][0])
    assert k6.returncode == 1 and k6.stderr.startswith("performance: no k6 script at tests/performance/load.js")
