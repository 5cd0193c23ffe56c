"""What ``parasol-gitops test`` runs for one service: its commands from the spec, else the ones its build
files imply, else the ones its recorded language implies. Only the plan; :mod:`.testrun` runs it.

Spec commands win as a whole: when a service names any of lint/test/integration/coverage, nothing is
detected, so a hand-written command list is never silently mixed with guesses.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CheckFailed
from .spectypes import Service

TEST_STEPS = ("lint", "unit", "integration", "coverage")
PY_TOOLS = "python -m pip install --quiet --disable-pip-version-check ruff pytest pytest-cov"


@dataclass
class Step:
    name: str  # setup | lint | unit | integration | coverage
    command: str = ""  # run with ``sh -c`` in the service's path
    report: str = ""  # coverage: a report file the tests wrote (relative to the path), read after them
    report_kind: str = ""  # json-summary | jacoco


@dataclass
class Plan:
    service: str
    path: str
    source: str  # where the commands came from, for the log
    steps: list[Step]
    skipped: dict[str, str] = field(default_factory=dict)  # step → reason
    absent: dict[str, str] = field(default_factory=dict)  # step → why it has no command


def build_plan(svc: Service, root: Path) -> Plan:
    """The plan for ``svc``; raises CheckFailed with the issue's one line when nothing can be run."""
    folder = root / svc.path
    commands = {k: v for k, v in svc.commands.items() if k in TEST_STEPS}
    if commands:
        steps = [Step(k, commands[k]) for k in TEST_STEPS if k in commands]
        absent = {k: "not set in services[].commands" for k in TEST_STEPS if k not in commands}
        plan = Plan(svc.name, svc.path, "pipeline.yaml (services[].commands)", steps, absent=absent)
    elif {"lint", "unit"} <= set(svc.skip):  # everything skipped on purpose: nothing to detect
        plan = Plan(svc.name, svc.path, "nothing (every test step is skipped)", [])
    else:
        plan = _detected(svc, folder)
    plan.skipped = dict(svc.skip)
    plan.steps = [s for s in plan.steps if s.name not in plan.skipped]
    plan.absent = {k: v for k, v in plan.absent.items() if k not in plan.skipped}
    if not any(s.name in ("lint", "unit", "integration") for s in plan.steps) and not (
        set(plan.skipped) & {"lint", "unit", "integration"}
    ):
        from ..messages import t

        why = "; ".join(plan.absent[k] for k in ("lint", "unit") if k in plan.absent)
        raise CheckFailed(t("ci.test.no_commands", service=svc.name, source=plan.source, why=why))
    return plan


def _detected(svc: Service, folder: Path) -> Plan:
    for detector in (_node, _python, _go, _maven, _gradle, _cargo):
        found = detector(folder)
        if found:
            source, steps, absent = found
            return Plan(svc.name, svc.path, source, steps, absent=absent)
    language = svc.language
    if language == "python":
        source, steps, absent = _python_steps(folder, f"language {language} (no build file)", [PY_TOOLS])
        return Plan(svc.name, svc.path, source, steps, absent=absent)
    if language == "node":
        return Plan(svc.name, svc.path, "language node (no build file)", [Step("unit", "node --test")],
                    absent={"lint": "no package.json", "coverage": "no package.json to configure a coverage tool"})
    from ..messages import t

    raise CheckFailed(t("ci.test.nothing", service=svc.name, path=svc.path))


Found = tuple[str, list[Step], dict[str, str]] | None


def _node(folder: Path) -> Found:
    manifest = folder / "package.json"
    if not manifest.is_file():
        return None
    try:
        scripts = json.loads(manifest.read_text(encoding="utf-8")).get("scripts") or {}
    except (json.JSONDecodeError, AttributeError, UnicodeDecodeError):
        scripts = {}
    locked = (folder / "package-lock.json").is_file() or (folder / "npm-shrinkwrap.json").is_file()
    steps = [Step("setup", "npm ci" if locked else "npm install")]
    absent: dict[str, str] = {}
    if "lint" in scripts:
        steps.append(Step("lint", "npm run lint"))
    else:
        absent["lint"] = "package.json has no lint script"
    if "test" in scripts:
        steps.append(Step("unit", "npm test"))
    else:
        absent["unit"] = "package.json has no test script"
    steps.append(Step("coverage", report="coverage/coverage-summary.json", report_kind="json-summary"))
    return "package.json", steps, absent


def _python(folder: Path) -> Found:
    requirements = sorted(p.name for p in folder.glob("requirements*.txt") if p.is_file())
    pyproject = folder / "pyproject.toml"
    if not requirements and not pyproject.is_file():
        return None
    setup = [PY_TOOLS]
    if requirements:
        setup.append("python -m pip install --quiet --disable-pip-version-check "
                     + " ".join(f"-r {name}" for name in requirements))
        source = ", ".join(requirements)
    else:
        source = "pyproject.toml"
        target = _python_project_target(pyproject)
        if target:
            setup.append(f"python -m pip install --quiet --disable-pip-version-check -e '{target}'")
    return _python_steps(folder, source, setup)


def _python_project_target(pyproject: Path) -> str:
    """``.`` or ``.[test]``: the project itself when pyproject declares one, with its test extra if any."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return ""
    project = data.get("project")
    if not isinstance(project, dict):
        return ""
    extras = [e for e in ("test", "tests", "dev") if e in (project.get("optional-dependencies") or {})]
    return f".[{extras[0]}]" if extras else "."


def _python_steps(folder: Path, source: str, setup: list[str]) -> tuple[str, list[Step], dict[str, str]]:
    steps = [Step("setup", " && ".join(setup)), Step("lint", "python -m ruff check ."),
             Step("unit", "python -m pytest -q --cov=. --cov-report="),
             Step("coverage", "python -m coverage report --format=total")]
    return source, steps, {}


def _go(folder: Path) -> Found:
    if not (folder / "go.mod").is_file():
        return None
    return "go.mod", [Step("lint", "go vet ./..."), Step("unit", "go test -coverprofile=coverage.out ./..."),
                      Step("coverage", "go tool cover -func=coverage.out")], {}


def _maven(folder: Path) -> Found:
    if not (folder / "pom.xml").is_file():
        return None
    mvn = "./mvnw" if (folder / "mvnw").is_file() else "mvn"
    return "pom.xml", [Step("unit", f"{mvn} -B verify"),
                       Step("coverage", report="target/site/jacoco/jacoco.csv", report_kind="jacoco")], {
        "lint": "pom.xml: linters run inside mvn verify when the project configures them"}


def _gradle(folder: Path) -> Found:
    names = [n for n in ("build.gradle.kts", "build.gradle") if (folder / n).is_file()]
    if not names:
        return None
    gradle = "./gradlew" if (folder / "gradlew").is_file() else "gradle"
    report = "build/reports/jacoco/test/jacocoTestReport.csv"
    return names[0], [Step("unit", f"{gradle} check"), Step("coverage", report=report, report_kind="jacoco")], {
        "lint": f"{names[0]}: linters run inside gradle check when the project configures them"}


def _cargo(folder: Path) -> Found:
    if not (folder / "Cargo.toml").is_file():
        return None
    return "Cargo.toml", [Step("lint", "cargo clippy --all-targets -- -D warnings"), Step("unit", "cargo test")], {
        "coverage": "Cargo has no built-in coverage report (set services[].commands.coverage)"}
