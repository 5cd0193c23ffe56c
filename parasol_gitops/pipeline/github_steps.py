"""GitHub Actions building blocks: steps (pinned actions, scripts, the tool install) and the body of each
per-service job kind. :mod:`.github` assembles them into workflow files."""

from __future__ import annotations

from functools import partial
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from .. import versions
from . import scripts
from .model import Job, JobBuilders, semgrep_severity
from .nodes import cmap as _map
from .nodes import cseq as _seq
from .spectypes import PipelineSpec
from .targets import GITHUB_DEPLOY_FILE, VALIDATE_CACHES

RUNNER = "ubuntu-24.04"
SVC = "matrix.service"


def expr(text: str) -> str:
    return "${{ " + text + " }}"


def _script(text: str) -> LiteralScalarString:
    literal: LiteralScalarString = LiteralScalarString(text if text.endswith("\n") else text + "\n")
    return literal


def _step(name: str, step_id: str, cond: str) -> CommentedMap:
    """The keys every step starts with, in the order GitHub's docs show them."""
    step = CommentedMap()
    step["name"] = name
    if step_id:
        step["id"] = step_id
    if cond:
        step["if"] = cond
    return step


def action(key: str, name: str, with_: dict[str, Any] | None = None, *, step_id: str = "",
           cond: str = "", env: dict[str, str] | None = None) -> CommentedMap:
    pinned = versions.get().actions[key]
    step = _step(name, step_id, cond)
    step["uses"] = pinned.uses
    step.yaml_add_eol_comment(pinned.version, "uses")
    if with_:
        step["with"] = _map(*with_.items())
    if env:
        step["env"] = _map(*env.items())
    return step


def run(name: str, script: str, env: dict[str, Any] | None = None, *, step_id: str = "", cond: str = "",
        workdir: str = "") -> CommentedMap:
    step = _step(name, step_id, cond)
    if workdir:
        step["working-directory"] = workdir
    if env:
        step["env"] = _map(*env.items())
    step["run"] = _script(script)
    return step


def checkout(**extra: Any) -> CommentedMap:
    return action("checkout", "Check out", {"persist-credentials": False, **extra})


def tool(spec: PipelineSpec, workflow: str = "") -> list[CommentedMap]:
    """Python plus the tool, once per job. With ``workflow`` setup-python caches pip's downloads under a key
    that hashes that workflow file (which pins the requirement: a new tool version is a new cache).

    Only repository-checks caches: ci.yml builds and pushes images, deploy.yml and rollback.yml hold the
    GitOps token, and a cache written by a job that ran the services' own code could hand them a
    poisoned wheel (zizmor's cache-poisoning audit). There every job downloads the tool afresh.
    """
    with_: dict[str, Any] = {"python-version": spec.settings.python_version}
    if workflow:
        with_ |= {"cache": "pip", "cache-dependency-path": workflow}
    return [
        action("setup-python", "Set up Python", with_),
        run("Install parasol-gitops", scripts.INSTALL_TOOL, {"TOOL_PACKAGE": spec.settings.tool_package}),
    ]


def validate_cache() -> CommentedMap:
    """validate's caches (parsed kustomizations, remembered builds, downloaded schemas): one entry per commit,
    restored from the newest, so a pull request's `validate --changed` starts from what the default branch's full
    run left. Safe to share: every entry is keyed by the SHA-256 of the files it was made from, and GitHub lets a
    pull request read the base branch's caches but write only its own."""
    return action("cache", "Restore validate's cache", {
        "path": LiteralScalarString("".join(f"~/.cache/parasol-gitops/{name}\n" for name in VALIDATE_CACHES)),
        "key": "parasol-gitops-validate-" + expr("github.sha"),
        "restore-keys": "parasol-gitops-validate-",
    })


def contents_permission(spec: PipelineSpec) -> str:
    """A deploy or rollback pushes with the workflow token only when the GitOps repository is this one."""
    return "write" if spec.gitops.is_self else "read"


def job_builders(spec: PipelineSpec) -> JobBuilders[CommentedMap]:
    """Each kind's part of a matrix job (permissions and steps, or the reusable workflow it calls)."""
    return JobBuilders(
        lint_and_test=partial(_lint_and_test, spec), build=_build, image_scan=_image_scan,
        dependency_scan=_dependency_scan, sast=_sast, deploy=partial(_deploy, spec),
        e2e=partial(_e2e, spec), performance=partial(_performance, spec), dast=partial(_dast, spec),
    )


def _lint_and_test(spec: PipelineSpec, job: Job) -> CommentedMap:
    return _map(("permissions", _map(("contents", "read"))), ("steps", _seq([checkout(), *tool(spec), run(
        "Lint, tests, coverage gate (parasol-gitops test)", scripts.TEST,
        {"SERVICE": expr(f"{SVC}.name"), "COVERAGE_THRESHOLD": str(job.coverage_threshold)},
    )])))


def _build(job: Job) -> CommentedMap:
    perms = [("contents", "read"), ("packages", "write")]
    if job.provenance:
        perms += [("id-token", "write"), ("attestations", "write")]
    pushing = "github.event_name != 'pull_request'"
    steps = [
        checkout(),
        run("Check the Dockerfile", scripts.DOCKERFILE_CHECK,
            {"SERVICE": expr(f"{SVC}.name"), "DOCKERFILE": expr(f"{SVC}.dockerfile")}),
        action("setup-buildx", "Set up Buildx"),
        run("Image tags", (
            'tags="$IMAGE:$GITHUB_SHA"\n'
            'if [ "$GITHUB_REF_TYPE" = tag ]; then tags="$tags,$IMAGE:${GITHUB_REF_NAME#v}"; fi\n'
            'echo "tags=$tags" >> "$GITHUB_OUTPUT"\n'
            'echo "registry=${IMAGE%%/*}" >> "$GITHUB_OUTPUT"\n'
        ), {"IMAGE": expr(f"{SVC}.image")}, step_id="meta"),
        action("login", "Log in to the registry", {
            "registry": expr("steps.meta.outputs.registry"),
            "username": expr("vars.REGISTRY_USERNAME || github.actor"),
            "password": expr("secrets.REGISTRY_PASSWORD || secrets.GITHUB_TOKEN"),
        }, cond=pushing),
        action("build-push", "Build and push (multi-stage; cache scoped to the service)", {
            "context": expr(f"{SVC}.context"),
            "file": expr(f"{SVC}.dockerfile"),
            "push": expr(pushing),
            "tags": expr("steps.meta.outputs.tags"),
            "cache-from": "type=gha,scope=" + expr(f"{SVC}.name"),
            "cache-to": "type=gha,mode=max,scope=" + expr(f"{SVC}.name"),
            "sbom": job.sbom,
            "provenance": "mode=max" if job.provenance else False,
        }, step_id="build"),
    ]
    if job.provenance:
        steps.append(action("attest", "Attest build provenance", {
            "subject-name": expr(f"{SVC}.image"),
            "subject-digest": expr("steps.build.outputs.digest"),
            "push-to-registry": True,
        }, cond=pushing))
    steps.append(run("Record the digest", 'mkdir -p digests\nprintf \'%s\\n\' "$DIGEST" > "digests/$SERVICE"\n',
                     {"DIGEST": expr("steps.build.outputs.digest"), "SERVICE": expr(f"{SVC}.name")},
                     cond=pushing))
    steps.append(action("upload-artifact", "Upload the digest", {
        "name": "digest-" + expr(f"{SVC}.name"), "path": "digests/", "retention-days": 7,
    }, cond=pushing))
    return _map(("permissions", _map(*perms)), ("steps", _seq(steps)))


def _image_scan(job: Job) -> CommentedMap:
    return _map(("permissions", _map(("contents", "read"), ("packages", "read"))), ("steps", _seq([action(
        "trivy", "Scan the image (Trivy)", {
            "image-ref": expr(f"{SVC}.image") + ":" + expr("github.sha"),
            "severity": job.severity, "exit-code": "1", "ignore-unfixed": True,
        }, cond="github.event_name != 'pull_request'", env={
            "TRIVY_USERNAME": expr("vars.REGISTRY_USERNAME || github.actor"),
            "TRIVY_PASSWORD": expr("secrets.REGISTRY_PASSWORD || secrets.GITHUB_TOKEN"),
        })])))


def _dependency_scan(job: Job) -> CommentedMap:
    return _map(("permissions", _map(("contents", "read"))), ("steps", _seq([checkout(), action(
        "trivy", "Dependency vulnerabilities (Trivy fs)", {
            "scan-type": "fs", "scan-ref": expr(f"{SVC}.path"), "scanners": "vuln",
            "severity": job.severity, "exit-code": "1", "ignore-unfixed": True,
        })])))


def _sast(job: Job) -> CommentedMap:
    return _map(("permissions", _map(("contents", "read"))), ("steps", _seq([checkout(), run(
        "SAST (Semgrep)",
        'python3 -m pip install --quiet --user semgrep\n'
        'semgrep scan --config p/default --error --metrics off --severity "$SEVERITY" "$SERVICE_PATH"\n',
        {"SEVERITY": semgrep_severity(job), "SERVICE_PATH": expr(f"{SVC}.path")},
    )])))


def _deploy(spec: PipelineSpec, job: Job) -> CommentedMap:
    """One call of the reusable deploy workflow per environment: the steps exist once, in deploy.yml."""
    env = spec.environment(job.environment)
    name = env.name
    out = _map(("permissions", _map(("contents", contents_permission(spec)))), ("uses", "./" + GITHUB_DEPLOY_FILE))
    # `./` is the form GitHub documents for a workflow of the same repository, and the one actionlint
    # follows to check this call's inputs against deploy.yml; zizmor's help-level `$/` suggestion is not.
    out.yaml_add_eol_comment("zizmor: ignore[self-repository]", "uses")
    out["with"] = _map(
        ("service", expr(f"{SVC}.name")),
        ("image", expr(f"{SVC}.image")),
        ("environment", name),
        ("url", env.service_url(expr(f"{SVC}.name"))),
        ("strategy", expr(f"{SVC}.strategy_{name}")),
        ("steps", expr(f"{SVC}.steps_{name}")),
    )
    if not spec.gitops.is_self:
        out["secrets"] = _map(("GITOPS_TOKEN", expr("secrets.GITOPS_TOKEN")))
    return out


def _integration(spec: PipelineSpec, job: Job, title: str, script: str, extra_env: dict[str, str]) -> CommentedMap:
    env = spec.environment(job.environment)
    return _map(("permissions", _map(("contents", "read"))), ("steps", _seq([checkout(), run(title, script, {
        "BASE_URL": env.service_url(expr(f"{SVC}.name")), **extra_env,
    })])))


def _e2e(spec: PipelineSpec, job: Job) -> CommentedMap:
    return _integration(spec, job, "End-to-end tests (Playwright)", (
        scripts.E2E_CHECK + 'cd "$E2E_PATH"\nnpm ci\nnpx playwright install --with-deps chromium\nnpx playwright test\n'
    ), {"E2E_PATH": spec.settings.e2e_path})


def _performance(spec: PipelineSpec, job: Job) -> CommentedMap:
    return _integration(spec, job, "Performance test (k6)", (
        scripts.K6_CHECK + 'docker run --rm -i -e BASE_URL grafana/k6:0.54.0 run - < "$K6_SCRIPT"\n'
    ), {"K6_SCRIPT": spec.settings.k6_script})


def _dast(spec: PipelineSpec, job: Job) -> CommentedMap:
    return _integration(spec, job, "DAST (OWASP ZAP baseline)", (
        scripts.DAST_CHECK + 'docker run --rm ghcr.io/zaproxy/zaproxy:2.15.0 zap-baseline.py -t "$BASE_URL" -I\n'
    ), {})
