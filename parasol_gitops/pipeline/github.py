"""GitHub Actions emitter: the model → ``.github/workflows/*.yml`` (the steps and each job kind's body are
in :mod:`.github_steps`).

Per-service jobs run as a matrix over the services ``parasol-gitops changes`` selects at run time (the
service list is read from pipeline.yaml then, so ci.yml does not grow with services); ``ci-passed`` is the
one always-run job to mark as required. Every job that needs the tool installs ``settings.tool_package``
once, with pip's cache keyed on the workflow file (which pins the requirement). Deploys are GitOps commits
(``parasol-gitops deploy``), verified (``verify``) and reverted on failure (``rollback``), bound to GitHub
environments whose required reviewers are the production approval.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from . import scripts
from .github_steps import RUNNER, SVC, action, checkout, contents_permission, job_builders, run, tool, validate_cache
from .github_steps import expr as _expr
from .model import DEPLOY_SIDE, Job, JobBuilders, JobKind, Pipeline, dispatch
from .nodes import cmap as _map
from .nodes import cseq as _seq
from .spectypes import PipelineSpec
from .targets import GITHUB_CHECKS_FILE as CHECKS_FILE
from .targets import GITHUB_CI_FILE as CI_FILE
from .targets import GITHUB_DEPLOY_FILE as DEPLOY_FILE
from .targets import GITHUB_ROLLBACK_FILE as ROLLBACK_FILE
from .targets import header as target_header

MATRIX = "${{ fromJSON(needs.changes.outputs.services) }}"
ANY_CHANGED = "needs.changes.outputs.any == 'true'"
IS_DEPLOY_EVENT = "github.event_name == 'push' || github.event_name == 'workflow_dispatch'"


def emit(model: Pipeline) -> dict[str, str]:
    from ..yamlio import dump

    header = target_header("github")
    files = {CI_FILE: dump(_ci(model), header=header), ROLLBACK_FILE: dump(_rollback(model.spec), header=header)}
    if model.has(JobKind.DEPLOY):
        files[DEPLOY_FILE] = dump(_deploy_workflow(model.spec), header=header)
    if model.spec.repository_checks:
        files[CHECKS_FILE] = dump(_checks(model.spec), header=header)
    return files


def _ci(model: Pipeline) -> CommentedMap:
    branch = model.spec.settings.default_branch
    wf = CommentedMap()
    wf["name"] = "ci"
    wf["on"] = _map(
        ("push", _map(("branches", _seq([branch])), ("tags", _seq(["v*.*.*"])))),
        ("pull_request", CommentedMap()),
        ("workflow_dispatch", CommentedMap()),
    )
    wf["permissions"] = CommentedMap()
    # Pull requests: one run per ref, a new push cancels the old one. Default branch and tags: a group
    # per run, because cancelling a run there would skip the deploy of the services it alone changed.
    wf["concurrency"] = _map(
        ("group", _expr("github.workflow") + "-" + _expr(
            "github.event_name == 'pull_request' && github.ref || github.run_id")),
        ("cancel-in-progress", _expr("github.event_name == 'pull_request'")),
    )
    wf["defaults"] = _map(("run", _map(("shell", "bash"))))
    jobs = CommentedMap()
    jobs["changes"] = _changes_job(model.spec)
    ci_jobs = ["changes"]
    builders = job_builders(model.spec)
    for job in model.jobs:
        if job.kind == JobKind.CHECKS:
            continue
        jobs[job.id] = _job(builders, job)
        if job.kind != JobKind.DEPLOY and job.environment == "":
            ci_jobs.append(job.id)
    jobs["ci-passed"] = _map(
        ("name", "ci-passed"),
        ("if", _expr("always()")),
        ("needs", _seq(ci_jobs)),
        ("runs-on", RUNNER),
        ("permissions", CommentedMap()),
        ("steps", _seq([run(
            "Fail when a required job failed or was cancelled",
            'if [[ "$RESULTS" == *failure* || "$RESULTS" == *cancelled* ]]; then\n'
            '  echo "a required job failed: $RESULTS"\n  exit 1\nfi\necho "all required jobs passed or were skipped"\n',
            {"RESULTS": _expr("join(needs.*.result, ' ')")},
        )])),
    )
    wf["jobs"] = jobs
    return wf


def _changes_job(spec: PipelineSpec) -> CommentedMap:
    return _map(
        ("name", "changes"),
        ("runs-on", RUNNER),
        ("permissions", _map(("contents", "read"))),
        ("outputs", _map(("services", _expr("steps.detect.outputs.services")),
                         ("any", _expr("steps.detect.outputs.any")))),
        ("steps", _seq([
            checkout(**{"fetch-depth": 0}),
            *tool(spec),
            run("Detect changed services (parasol-gitops changes)", scripts.CHANGES, {
                "EVENT_NAME": _expr("github.event_name"),
                "REF_TYPE": _expr("github.ref_type"),
                "BASE_SHA": _expr("github.event.pull_request.base.sha || github.event.before"),
                "HEAD_SHA": _expr("github.sha"),
            }, step_id="detect"),
        ])),
    )


def _job(builders: JobBuilders[CommentedMap], job: Job) -> CommentedMap:
    out = CommentedMap()
    out["name"] = f"{job.id} (" + _expr(f"{SVC}.name") + ")"
    out["needs"] = _seq(["changes", *job.needs])
    out["if"] = f"{ANY_CHANGED} && ({IS_DEPLOY_EVENT})" if job.kind in DEPLOY_SIDE else ANY_CHANGED
    if job.kind != JobKind.DEPLOY:  # a job calling a reusable workflow has no runner of its own
        out["runs-on"] = RUNNER
    out["strategy"] = _map(("fail-fast", False), ("matrix", _map(("service", MATRIX))))
    body = dispatch(builders, job)
    out.update(body)
    out.ca.items.update(body.ca.items)  # the end-of-line comments (zizmor's on a deploy's `uses`)
    return out


def _gitops_checkout(spec: PipelineSpec) -> tuple[CommentedMap, dict[str, str]]:
    gitops = spec.gitops
    with_: dict[str, Any] = {"path": "gitops", "ref": gitops.branch}
    if gitops.is_self:
        token_env = {"GIT_TOKEN": _expr("github.token")}
    else:
        with_["repository"] = _github_repo(gitops.repository)
        with_["token"] = _expr("secrets.GITOPS_TOKEN")
        token_env = {"GIT_TOKEN": _expr("secrets.GITOPS_TOKEN")}
    step = checkout(**with_)
    step["name"] = "Check out the GitOps repository"
    return step, {**token_env, "GIT_TOKEN_USER": "x-access-token"}


def _github_repo(url: str) -> str:
    """owner/name of a GitHub URL (https or ssh), for actions/checkout's ``repository``."""
    text = url.removesuffix(".git")
    for prefix in ("https://github.com/", "http://github.com/", "git@github.com:", "ssh://git@github.com/"):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _deploy_workflow(spec: PipelineSpec) -> CommentedMap:
    """deploy.yml: deploy one service to one environment (called by ci.yml once per environment).
    Bound to the GitHub environment (production's required reviewers are the approval), one deploy per
    environment and service at a time, never cancelled."""
    text = {"type": "string", "required": True}
    inputs = _map(*((key, _map(*text.items())) for key in ("service", "image", "environment", "strategy")),
                  ("url", _map(("type", "string"), ("default", ""))),
                  ("steps", _map(("type", "string"), ("default", "100"))))
    call = _map(("inputs", inputs))
    if not spec.gitops.is_self:
        call["secrets"] = _map(("GITOPS_TOKEN", _map(("required", True))))
    wf = CommentedMap()
    wf["name"] = "deploy"
    wf["on"] = _map(("workflow_call", call))
    wf["permissions"] = CommentedMap()
    gitops_checkout, token_env = _gitops_checkout(spec)
    service = {"SERVICE": _expr("inputs.service"), "ENVIRONMENT": _expr("inputs.environment")}
    steps = [
        checkout(),
        action("download-artifact", "Download the digest", {"name": "digest-" + _expr("inputs.service"),
                                                             "path": "digests"}),
        gitops_checkout,
        *tool(spec),
        run("Deploy (bump, commit, push), smoke test, verify", scripts.GITHUB_DEPLOY, {
            **service, "IMAGE": _expr("inputs.image"), "IMAGE_TAG": _expr("github.sha"),
            "STRATEGY": _expr("inputs.strategy"), "STEPS": _expr("inputs.steps"),
            "PROMETHEUS_URL": _expr("vars.PROMETHEUS_URL"), **token_env,
        }, step_id="deploy"),
        run("Automatic rollback (revert the deploy commit)", scripts.GITHUB_ROLLBACK, {
            **service, "GITOPS_BRANCH": spec.gitops.branch,
            "DEPLOYED_COMMIT": _expr("steps.deploy.outputs.DEPLOYED_COMMIT"), **token_env,
        }, cond="failure() && steps.deploy.outputs.DEPLOYED_COMMIT != ''"),
    ]
    wf["jobs"] = _map(("deploy", _map(
        ("name", "deploy " + _expr("inputs.service") + " to " + _expr("inputs.environment")),
        ("runs-on", RUNNER),
        ("permissions", _map(("contents", contents_permission(spec)))),
        ("environment", _map(("name", _expr("inputs.environment")), ("url", _expr("inputs.url")))),
        ("concurrency", _map(("group", "deploy-" + _expr("inputs.environment") + "-" + _expr("inputs.service")),
                             ("cancel-in-progress", False))),
        ("steps", _seq(steps)),
    )))
    return wf


def _rollback(spec: PipelineSpec) -> CommentedMap:
    names = [s.name for s in spec.services]
    envs = [e.name for e in spec.environments]
    gitops_checkout, token_env = _gitops_checkout(spec)
    wf = CommentedMap()
    wf["name"] = "rollback"
    wf["on"] = _map(("workflow_dispatch", _map(("inputs", _map(
        ("service", _map(("description", "Service to roll back"), ("required", True), ("type", "choice"),
                         ("options", _seq(names)))),
        ("environment", _map(("description", "Environment"), ("required", True), ("type", "choice"),
                             ("options", _seq(envs)))),
    )))))
    wf["permissions"] = CommentedMap()
    wf["jobs"] = _map(("rollback", _map(
        ("name", "rollback " + _expr("inputs.service") + " in " + _expr("inputs.environment")),
        ("runs-on", RUNNER),
        ("permissions", _map(("contents", contents_permission(spec)))),
        ("environment", _expr("inputs.environment")),
        ("concurrency", _map(("group", "deploy-" + _expr("inputs.environment") + "-" + _expr("inputs.service")),
                             ("cancel-in-progress", False))),
        ("steps", _seq([
            checkout(),
            _with_depth(gitops_checkout),
            *tool(spec),
            run("Revert the last deploy commit", scripts.GITHUB_ROLLBACK, {
                "SERVICE": _expr("inputs.service"), "ENVIRONMENT": _expr("inputs.environment"),
                "GITOPS_BRANCH": spec.gitops.branch, **token_env,
            }),
        ])),
    )))
    return wf


def _with_depth(step: CommentedMap) -> CommentedMap:
    step["with"]["fetch-depth"] = 0  # rollback searches the history for the deploy commit
    return step


def _checks(spec: PipelineSpec) -> CommentedMap:
    wf = CommentedMap()
    wf["name"] = "repository-checks"
    wf["on"] = _map(("push", CommentedMap()), ("pull_request", CommentedMap()), ("workflow_dispatch", CommentedMap()))
    wf["permissions"] = CommentedMap()
    wf["concurrency"] = _map(("group", _expr("github.workflow") + "-" + _expr("github.ref")),
                             ("cancel-in-progress", True))
    wf["jobs"] = _map(("repository-checks", _map(
        ("name", "repository-checks"),
        ("runs-on", RUNNER),
        ("permissions", _map(("contents", "read"))),
        ("steps", _seq([
            checkout(**{"fetch-depth": 0}),  # validate --changed diffs against the pull request's base
            *tool(spec, CHECKS_FILE),
            validate_cache(),
            run("Validate, VMS5 status, pipeline drift, alert tests",
                 scripts.INSTALL_CHECK_TOOLS + scripts.REPOSITORY_CHECKS, {
                     "SCHEMA_LOCATION": spec.settings.schema_location, "PIPELINE_TARGET": "github",
                     # empty on pushes: the full run
                     "CHANGED_BASE": _expr("github.event.pull_request.base.sha"),
                 }),
        ])),
    )))
    return wf
