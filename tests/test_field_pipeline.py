"""The field test: the generated pipeline, run as a team would run it, on three real services.

The tool is built into a wheel and installed into a fresh virtual environment; that installation renders a
GitOps repository for the three sample services in tests/field/services (Python, Node 20, Rust; the README says
why not Java/Maven), synthesizes GitLab CI and GitHub Actions with ``settings.tool_package`` pointing at the
wheel, and gitlab-ci-local's shell executor runs each service's child pipeline as its trigger job would start
it. The jobs' own ``pip install "$TOOL_PACKAGE"`` installs that wheel; the GitOps remote is a bare git
repository; ``verify`` asks a real Prometheus server that scrapes the running sample service every second.

Not here, because this machine has no container engine: the image build itself. The build job runs with
``PARASOL_BUILD_DRY_RUN=true`` and the test checks the exact ``buildctl`` command it prints and the Dockerfile
that command points at.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import CRD_SCHEMAS, ROOT, find_tool
from field.harness import SAMPLES, SERVICES_DIR, Traffic, free_port, http, prometheus_server, sample_service
from ruamel.yaml import YAML

pytestmark = pytest.mark.slow

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
DIGEST = "sha256:" + "ab" * 32
# copied into the wheel's build folder: the source tree without what git ignores or the build leaves behind
_NOT_SOURCE = shutil.ignore_patterns(".git", ".tools", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                     ".ruff_cache", ".mypy_cache", "node_modules", "target", ".gitlab-ci-local")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Tool:
    """parasol-gitops installed from its wheel into a fresh virtual environment."""

    wheel: Path
    venv: Path

    @property
    def requirement(self) -> str:
        return f"parasol-gitops @ {self.wheel.as_uri()}"

    def env(self, home: Path) -> dict[str, str]:
        """The environment of every process the test starts: the venv first on PATH, nothing of the checkout."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PROMETHEUS_URL", "VERIFY_WINDOW_SECONDS",
                            "VERIFY_TIMEOUT_SECONDS", "GITHUB_OUTPUT")}
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env['PATH']}"
        env["VIRTUAL_ENV"] = str(self.venv)
        env["XDG_CACHE_HOME"] = str(home / "cache")
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        return env


def _build_tool(folder: Path) -> Tool:
    source = folder / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    wheels = folder / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--quiet", "--wheel-dir", str(wheels), str(source)], check=True, capture_output=True,
                   text=True, timeout=300)
    (wheel,) = wheels.glob("parasol_gitops-*.whl")
    venv = folder / "venv"
    # the dependencies come from this interpreter's site-packages (installed by tests/install-tools.sh):
    # the test stays offline, and the wheel itself is what the venv's own site-packages holds
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True,
                   timeout=120)
    # --force-reinstall: the interpreter may hold an editable install of the same version, which pip would
    # otherwise count as already installed
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                    "--force-reinstall", "--disable-pip-version-check", str(wheel)], check=True,
                   capture_output=True, text=True, timeout=300)
    return Tool(wheel, venv)


@pytest.fixture(scope="session")
def tool(tmp_path_factory: pytest.TempPathFactory) -> Tool:
    """Built once per test session, also across pytest-xdist workers (they share the base temp's parent and
    the run's id; a solo run uses its own base temp, so a wheel never outlives its session)."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent / f"field-tool-{run_id}" if run_id else base / "field-tool"
    shared.mkdir(exist_ok=True)
    with (shared / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            done = shared / "done"
            if not done.exists():
                for stale in ("source", "wheels", "venv"):
                    shutil.rmtree(shared / stale, ignore_errors=True)
                tool = _build_tool(shared)
                done.write_text(f"{tool.wheel}\n{tool.venv}\n")
            wheel, venv = done.read_text().split()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    tool = Tool(Path(wheel), Path(venv))
    probe = subprocess.run([str(tool.venv / "bin" / "python"), "-c",
                            "import parasol_gitops; print(parasol_gitops.__file__)"],
                           env=tool.env(shared), cwd=shared, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(tool.venv)), probe.stdout  # not the checkout, not an editable install
    return tool


@dataclass
class Field:
    """A rendered GitOps repository of the three sample services, its bare remote, and how to run its CI."""

    tool: Tool
    home: Path
    repo: Path
    remote: Path
    orders_port: int

    @property
    def env(self) -> dict[str, str]:
        return self.tool.env(self.home)

    def run(self, *args: str, cwd: Path | None = None, timeout: int = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=cwd or self.repo, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)

    def parasol(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.tool.venv / "bin" / "parasol-gitops"), *args, cwd=cwd)

    def commit(self, message: str) -> None:
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-qm", message)
        git(self.repo, "push", "-q", "origin", "HEAD:main")

    def remote_log(self) -> list[tuple[str, str]]:
        """(sha, whole message) of each commit on the remote's main, newest first."""
        entries = git(self.remote, "log", "--format=%H%n%B%x00", "main").split("\x00")
        return [(e.strip().split("\n", 1)[0], e.strip().split("\n", 1)[1]) for e in entries if e.strip()]

    def remote_file(self, path: str) -> str:
        return git(self.remote, "show", f"main:{path}")

    def trigger(self, service: str) -> tuple[str, dict[str, str]]:
        """The child file and the variables the parent's trigger job for ``service`` hands on."""
        parent = YAML(typ="safe").load((self.repo / ".gitlab-ci.yml").read_text())
        job = parent[f"service:{service}"]
        variables = {k: _value(v) for k, v in (parent.get("variables") or {}).items()}
        child: Any = None
        for part in [*(parent[name] for name in _extends_chain(parent, job)), job]:
            variables.update({k: _value(v) for k, v in (part.get("variables") or {}).items()})
            child = (part.get("trigger") or {}).get("include", child)
        if isinstance(child, list):
            (child,) = [c["local"] if isinstance(c, dict) else c for c in child]
        assert isinstance(child, str), child
        return child, variables

    def _gitlab_args(self, service: str, jobs: tuple[str, ...], variables: dict[str, str] | None) -> list[str]:
        find_tool("rsync")
        child, forwarded = self.trigger(service)
        # one state folder per service: their jobs share names, and gitlab-ci-local keeps builds and dotenv
        # reports there (untracked, so no run copies another's)
        args = [find_tool("gitlab-ci-local"), "--file", child, "--state-dir", f".gitlab-ci-local-{service}",
                "--shell-executor-no-image", "--force-shell-executor", "--json-schema-validation=false"]
        # the one override: GitLab's own project URL becomes the bare remote (TOOL_PACKAGE is the generated one)
        for key, value in {**forwarded, "GITOPS_REPOSITORY_URL": str(self.remote), **(variables or {})}.items():
            args += ["--variable", f"{key}={value}"]
        return [*args, *jobs]

    def gitlab(self, service: str, *jobs: str, variables: dict[str, str] | None = None,
               timeout: int = 600) -> subprocess.CompletedProcess[str]:
        """gitlab-ci-local's shell executor runs ``jobs`` of ``service``'s child pipeline."""
        return self.run(*self._gitlab_args(service, jobs, variables), timeout=timeout)

    def gitlab_each(self, jobs: dict[str, tuple[str, ...]],
                    timeout: int = 600) -> dict[str, subprocess.CompletedProcess[str]]:
        """Several services' child pipelines at once, as GitLab runs sibling downstream pipelines."""
        procs = {service: subprocess.Popen(self._gitlab_args(service, names, None), cwd=self.repo, env=self.env,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for service, names in jobs.items()}
        results = {}
        for service, proc in procs.items():
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            results[service] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        return results


def _value(value: Any) -> str:
    return str(value["value"] if isinstance(value, dict) else value)


def _extends_chain(parent: dict[str, Any], job: dict[str, Any]) -> list[str]:
    chain: list[str] = []
    extends = job.get("extends")
    while extends:
        name = extends if isinstance(extends, str) else extends[0]
        chain.insert(0, name)
        extends = parent[name].get("extends")
    return chain


ANSWERS = """\
project_name: field
ci_target: both
services:
  - {name: orders, port: 8080}
  - {name: payments, port: 8080}
  - {name: inventory, port: 8080}
"""


def _render(tool: Tool, tmp: Path) -> Field:
    home = tmp / "home"
    home.mkdir()
    answers = home / "answers.yml"
    answers.write_text(ANSWERS)
    field = Field(tool, home, tmp / "repo", tmp / "origin.git", free_port())
    # from a folder outside the source tree, with the wheel's own template
    result = field.parasol("new", str(field.repo), "--data-file", str(answers), "--defaults", cwd=home)
    assert result.returncode == 0, result.stdout + result.stderr
    for name, sample in SAMPLES.items():
        src = field.repo / "services" / name / "src"
        shutil.rmtree(src, ignore_errors=True)
        shutil.copytree(SERVICES_DIR / sample, src, ignore=shutil.ignore_patterns("node_modules", "target",
                                                                                  "__pycache__", ".pytest_cache"))
    _edit_spec(field)
    for target in ("gitlab", "github"):
        result = field.parasol("pipeline", "--target", target, cwd=field.repo)
        assert result.returncode == 0, result.stdout + result.stderr
    for generated in (".gitlab/ci/service-rolling.yml", ".github/workflows/ci.yml"):
        assert field.tool.requirement in (field.repo / generated).read_text(), generated
    git(tmp, "init", "-q", "--bare", str(field.remote))
    git(field.repo, "init", "-q")
    git(field.repo, "remote", "add", "origin", str(field.remote))
    field.commit("GitOps repository and the three services")
    return field


def _edit_spec(field: Field) -> None:
    """The team's edits of pipeline.yaml: the tool from the wheel, the CRD schemas, where the first environment's
    service runs, and a latency factor that a 5 ms p95 on a busy machine cannot trip (the stub tests of verify
    prove that threshold)."""
    yaml = YAML()
    path = field.repo / "pipeline.yaml"
    spec = yaml.load(path.read_text())
    settings = spec.setdefault("settings", {})
    settings["tool_package"] = field.tool.requirement
    settings["schema_location"] = str(CRD_SCHEMAS)  # the CRD schemas offline, as a team's mirror would hold them
    settings["rollback"] = {"error_rate_percent": 5, "latency_p95_factor": 10}
    spec["environments"][0]["url"] = f"http://127.0.0.1:{field.orders_port}"
    with path.open("w") as out:
        yaml.dump(spec, out)


@pytest.fixture(scope="module")
def rendered(tool: Tool, tmp_path_factory: pytest.TempPathFactory) -> Field:
    return _render(tool, tmp_path_factory.mktemp("rendered"))


@pytest.fixture
def field(rendered: Field, tmp_path: Path) -> Field:
    """Each test gets its own copy of the rendered repository and its remote (rendering once saves ~15 s each)."""
    repo, remote = tmp_path / "repo", tmp_path / "origin.git"
    shutil.copytree(rendered.repo, repo, symlinks=True)
    shutil.copytree(rendered.remote, remote, symlinks=True)
    shutil.copytree(rendered.home, tmp_path / "home", symlinks=True)
    git(repo, "remote", "set-url", "origin", str(remote))
    return Field(rendered.tool, tmp_path / "home", repo, remote, rendered.orders_port)


def _tail(result: subprocess.CompletedProcess[str], chars: int = 4000) -> str:
    return (result.stdout + result.stderr)[-chars:]


def test_lint_and_test_runs_each_services_own_tests_and_fails_for_real(field: Field) -> None:
    results = field.gitlab_each({name: ("lint_and_test",) for name in SAMPLES})
    for service, marker in (("orders", r"5 passed"), ("payments", r"# pass 4"),
                            ("inventory", r"test result: ok\. 4 passed")):
        result = results[service]
        assert result.returncode == 0, _tail(result)
        assert "PASS  lint_and_test" in result.stdout, _tail(result)
        assert re.search(marker, result.stdout), _tail(result)
    # the Python sample's coverage gate measured (the other two say "not measured" and why)
    assert re.search(r"coverage 9\d(\.\d)?% \(threshold 80%\)", results["orders"].stdout), _tail(results["orders"])

    # a planted failing test fails the job, and with it the pipeline
    planted = field.repo / "services" / "payments" / "src" / "test" / "planted.test.js"
    planted.write_text("'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert');\n"
                       "test('planted failure', () => assert.equal(1 + 1, 3));\n")
    # a service with neither tests nor a build file fails with one clear line
    src = field.repo / "services" / "orders" / "src"
    shutil.rmtree(src)
    src.mkdir()
    (src / "README.md").write_text("orders: the code is not here yet\n")
    field.commit("a failing test in payments; orders without code")
    results = field.gitlab_each({"payments": ("lint_and_test",), "orders": ("lint_and_test",)})
    assert results["payments"].returncode != 0
    assert "FAIL  lint_and_test" in results["payments"].stdout, _tail(results["payments"])
    assert "planted failure" in results["payments"].stdout, _tail(results["payments"])
    assert results["orders"].returncode != 0
    assert "FAIL  lint_and_test" in results["orders"].stdout, _tail(results["orders"])
    assert ("service orders: no lint/test command and no recognised build file in services/orders/src "
            "(set services[].commands)") in results["orders"].stdout, _tail(results["orders"])


def test_build_job_prints_the_exact_build_command_and_its_dockerfile_exists(field: Field) -> None:
    result = field.gitlab("orders", "build", variables={"PARASOL_BUILD_DRY_RUN": "true", "SBOM": "true",
                                                         "PROVENANCE": "true"})
    assert result.returncode == 0, _tail(result)
    printed = [line.split("> ", 1)[1] for line in result.stdout.splitlines()
               if "> buildctl-daemonless.sh build" in line]
    assert printed, _tail(result)
    sha = git(field.repo, "rev-parse", "HEAD").strip()
    image = "ghcr.io/example/orders"
    assert printed[0] == (
        "buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=services/orders/src "
        "--local dockerfile=services/orders/src --opt filename=Dockerfile --opt attest:sbom= "
        "--opt attest:provenance=mode=max "
        f"--import-cache type=registry,ref={image}:buildcache "
        f"--export-cache type=registry,ref={image}:buildcache,mode=max "
        f'--output type=image,"name={image}:{sha}",push=true --metadata-file metadata.json'), printed[0]
    dockerfile = field.repo / "services" / "orders" / "src" / "Dockerfile"
    assert dockerfile.read_text().startswith("# syntax=docker/dockerfile:1\nFROM python:3.12-slim\n")
    assert "the image was not built" in result.stdout


@pytest.fixture
def running_orders(field: Field) -> Iterator[tuple[str, Any]]:
    """The orders sample on the port of the first environment's URL, scraped by a real Prometheus."""
    with sample_service(SERVICES_DIR / "python", port=field.orders_port) as base, \
            prometheus_server({"orders": base}, field.home / "prometheus") as prom:
        yield base, prom


def test_deploy_verify_and_rollback_against_a_real_prometheus(field: Field, running_orders: tuple[str, Any]) -> None:
    base, prom = running_orders
    env_name = YAML(typ="safe").load((field.repo / "pipeline.yaml").read_text())["environments"][0]["name"]
    deploy_job = f"deploy_{env_name.replace('-', '_')}"
    window = 6
    variables = {"IMAGE_DIGEST": DIGEST, "IMAGE_TAG": "v1", "PROMETHEUS_URL": prom.url,
                 "VERIFY_WINDOW_SECONDS": str(window), "VERIFY_TIMEOUT_SECONDS": "60"}
    overlay = f"services/orders/overlays/{env_name}/kustomization.yaml"
    second = "sha256:" + "cd" * 32
    with Traffic([base]) as traffic:
        prom.wait_for_samples("orders", window + 2)
        result = field.gitlab("orders", deploy_job, variables=variables)
        assert result.returncode == 0, _tail(result)
        assert "PASS  " + deploy_job in result.stdout, _tail(result)
        assert f"ok    health http://127.0.0.1:{field.orders_port}/healthz: HTTP 200" in result.stdout, _tail(result)
        assert f"ok    error rate 0.00 % <= 5 % (orders, last {window} s)" in result.stdout, _tail(result)
        (deployed, message), *_ = field.remote_log()
        assert f"Parasol-Deploy: {env_name}/orders" in message and DIGEST in message, message
        assert DIGEST in field.remote_file(overlay)

        # the same service starts answering 10 % of its requests with 500: the next deploy's verify fails
        assert http(base + "/admin/faults?percent=10", "POST")[0] == 204
        variables.update(IMAGE_DIGEST=second, IMAGE_TAG="v2")
        result = field.gitlab("orders", deploy_job, f"{deploy_job}-auto-rollback", variables=variables)
        assert result.returncode != 0
        assert "FAIL  " + deploy_job in result.stdout and "PASS  " + deploy_job + "-auto-rollback" in result.stdout, \
            _tail(result)
        failed = re.search(r"FAIL  error rate (\d+\.\d+) % > 5 % \(orders, last \d+ s", result.stdout)
        assert failed and 5 < float(failed.group(1)) <= 20, _tail(result)
        (_, revert_message), (bad, bad_message), (good, _), *_ = field.remote_log()
        assert second in bad_message and f"Parasol-Deploy: {env_name}/orders" in bad_message, bad_message
        assert f"This reverts commit {bad}" in revert_message, revert_message
        assert good == deployed
        # what Argo CD syncs now is the first, healthy image again
        assert DIGEST in field.remote_file(overlay) and second not in field.remote_file(overlay)
    assert traffic.codes.get(500, 0) > 0


_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _github_steps(field: Field, workflow: str, job: str, context: dict[str, str], output: Path) -> str:
    """Run a job's ``run:`` steps exactly as written, with their ``env:``; the runner's part (the expressions in
    ``env:``) is evaluated from ``context``, and an expression the test does not know fails the test."""
    data = YAML(typ="safe").load((field.repo / ".github" / "workflows" / workflow).read_text())
    log = ""
    for step in data["jobs"][job]["steps"]:
        if "run" not in step:
            continue

        def evaluate(match: re.Match[str]) -> str:
            if match.group(1) not in context:
                pytest.fail(f"{workflow} {job}: the test cannot evaluate ${{{{ {match.group(1)} }}}}")
            return context[match.group(1)]

        env = {k: _EXPRESSION.sub(evaluate, str(v)) for k, v in (step.get("env") or {}).items()}
        env.update(GITHUB_OUTPUT=str(output), CI="true", GITHUB_ACTIONS="true")
        result = field.run("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"], env=env)
        log += f"== {step.get('name')}\n{result.stdout}{result.stderr}"
        assert result.returncode == 0, log[-4000:]
    return log


def test_github_workflow_steps_run_as_written_with_the_same_tool(field: Field) -> None:
    # repository-checks: validate, status vms5 and the drift check, with the tool the spec names (the wheel)
    # on a push the runner evaluates the pull request's base to "": the full validate and status vms5 run
    log = _github_steps(field, "repository-checks.yml", "repository-checks",
                        {"github.event.pull_request.base.sha": ""}, field.home / "out-checks")
    assert "pipeline files match pipeline.yaml" in log, log[-3000:]

    # ci.yml on a push that changed one service: changes picks it, lint_and_test runs its tests
    base = git(field.repo, "rev-parse", "HEAD").strip()
    test_file = field.repo / "services" / "payments" / "src" / "test" / "app.test.js"
    test_file.write_text(test_file.read_text() + "\ntest('one more', () => assert.equal(2 + 2, 4));\n")
    field.commit("payments: one more test")
    head = git(field.repo, "rev-parse", "HEAD").strip()
    output = field.home / "out-changes"
    context = {"github.event_name": "push", "github.ref_type": "branch", "github.sha": head,
               "github.event.pull_request.base.sha || github.event.before": base}
    log = _github_steps(field, "ci.yml", "changes", context, output)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    matrix = json.loads(outputs["services"])
    assert [entry["name"] for entry in matrix] == ["payments"], log
    assert outputs["any"] == "true"
    context = {f"matrix.service.{key}": str(value) for key, value in matrix[0].items()}
    log = _github_steps(field, "ci.yml", "lint_and_test", context, field.home / "out-test")
    assert re.search(r"# pass 5", log), log[-3000:]
