"""GitLab CI emitter: the model → a parent ``.gitlab-ci.yml`` plus one child pipeline per rollout strategy
(the children are built in :mod:`.gitlab_child`).

Why parent-child: one file with every job of every service grows with services × jobs (2.7 MB and ~4000
jobs at 300 services, over GitLab's ``max_yaml_size_bytes`` application limit: 1 MB, raised to 2 MB by
gitlab-org/gitlab!160826).
The parent holds one small trigger job per service, gated by ``rules:changes``; the children under
``.gitlab/ci/`` hold the per-service DAG once, parametrized by the variables the trigger forwards. The
children depend on the spec's stages and environments but never on the number of services.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import scripts
from .gitlab_child import IS_DEFAULT, IS_TAG, Plan, globals_, script, step_variable, tool_cache, validate_cache
from .gitlab_child import StrategyConflict as StrategyConflict
from .gitlab_child import child as _child
from .model import Pipeline
from .nodes import cmap as _map
from .nodes import cseq as _seq
from .spectypes import PipelineSpec, Service
from .targets import GITLAB_CHILD_FILES as CHILD_FILES
from .targets import GITLAB_FILE
from .targets import header as target_header

SERVICES_STAGE = "services"
TRIGGER_PREFIX = "service:"
IS_OTHER = '$CI_PIPELINE_SOURCE == "merge_request_event" || $CI_COMMIT_BRANCH'


def _raw(value: str) -> CommentedMap:
    """A variable GitLab must not expand: user commands may contain '$'."""
    return _map(("value", DoubleQuotedScalarString(value)), ("expand", False))


def trigger_job_name(service: str) -> str:
    return TRIGGER_PREFIX + service


def emit(model: Pipeline) -> dict[str, str]:
    from ..yamlio import dump

    plan = Plan(model)
    header = target_header("gitlab")
    files = {GITLAB_FILE: dump(_parent(model, plan), header=header + _PARENT_NOTE)}
    for strategy, path in CHILD_FILES.items():
        files[path] = dump(_child(model, plan, strategy), header=header + _child_note(strategy))
    return files


_PARENT_NOTE = (
    "\n\nOne trigger job per service starts that service's child pipeline (.gitlab/ci/service-<strategy>.yml)\n"
    "when the service or a shared path changed; tags build every service."
)


def _child_note(strategy: str) -> str:
    return (
        f"\n\nChild pipeline of one service whose production rollout is {strategy}, started by its trigger job\n"
        "in .gitlab-ci.yml. The trigger forwards SERVICE, SERVICE_PATH, IMAGE, SERVICE_CHANGES, CONTEXT,\n"
        "DOCKERFILE and SERVICE_CI_IMAGE when they differ from the defaults below, and <ENVIRONMENT>_STEP_<n>\n"
        "(the canary steps) for canary rollouts. The jobs call parasol-gitops (test, deploy, verify, rollback),\n"
        "which reads the service's commands and settings from pipeline.yaml."
    )


# --- parent ------------------------------------------------------------------------------------------------


def _workflow(spec: PipelineSpec) -> CommentedMap:
    # On the default branch and tags a newer pipeline must not cancel this one: it may be the only
    # one that deploys the services this commit changed. Elsewhere interruptible jobs are cancelled.
    def keep() -> CommentedMap:  # one object per use: a shared one would come out as a YAML anchor
        return _map(("on_new_commit", "none"))

    return _map(
        ("name", f"{spec.project} $CI_COMMIT_REF_NAME"),
        ("auto_cancel", _map(("on_new_commit", "interruptible"))),
        ("rules", _seq([
            _map(("if", '$CI_PIPELINE_SOURCE == "merge_request_event"')),
            _map(("if", "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS"), ("when", "never")),
            _map(("if", IS_DEFAULT), ("auto_cancel", keep())),
            _map(("if", IS_TAG), ("auto_cancel", keep())),
            _map(("if", "$CI_COMMIT_BRANCH")),
        ])),
    )


def _parent(model: Pipeline, plan: Plan) -> CommentedMap:
    spec = model.spec
    doc = CommentedMap()
    doc["workflow"] = _workflow(spec)
    doc["stages"] = _seq([s for s in model.stages if s == "repository_checks"] + [SERVICES_STAGE])
    doc["default"] = _map(("image", spec.settings.ci_image), ("interruptible", True))
    doc["variables"] = globals_(spec)
    if any(not j.per_service for j in model.jobs):
        doc["repository-checks"] = _repository_checks(spec)
    doc[".parasol-service"] = _trigger_template(spec)
    for strategy, path in CHILD_FILES.items():
        doc[f".parasol-service-{strategy}"] = _map(
            ("extends", ".parasol-service"),
            ("trigger", _map(("include", path), ("strategy", "depend"))),
        )
    for svc in spec.services:
        doc[trigger_job_name(svc.name)] = _trigger(plan, svc)
    return doc


def _trigger_template(spec: PipelineSpec) -> CommentedMap:
    """What every trigger job shares: the stage and the change rules. ``$SERVICE_CHANGES`` is the job's own
    glob (GitLab expands job variables in ``rules:changes``); a change to a shared path runs every service."""
    shared: list[str] = []
    for p in spec.shared_paths:
        shared += [p, f"{p}/**/*"]
    compare = "refs/heads/" + spec.settings.default_branch
    return _map(
        ("stage", SERVICES_STAGE),
        ("needs", _seq([])),
        ("rules", _seq([
            _map(("if", IS_TAG)),
            _map(("if", IS_DEFAULT), ("changes", _seq(["$SERVICE_CHANGES", *shared]))),
            _map(("if", IS_OTHER), ("changes", _map(
                ("paths", _seq(["$SERVICE_CHANGES", *shared])), ("compare_to", compare)))),
        ])),
    )


def _brace_escape(path: str) -> str:
    # Inside {a,b} a ',' '{' '}' of a path would split or close the alternatives: escape them (and '\\').
    return "".join("\\" + c if c in "\\,{}" else c for c in path)


def changes_glob(svc: Service) -> str:
    """One brace glob for the service's paths: each path itself (a file) and everything below it (a folder).
    GitLab matches ``rules:changes`` with File.fnmatch and FNM_EXTGLOB, so ``{a,b}`` means a or b."""
    paths = svc.watch_paths()
    if paths == (".",):  # a service at the repository root changes with every file
        return "**/*"
    return "{" + ",".join(item for p in map(_brace_escape, paths) for item in (p, f"{p}/**/*")) + "}"


def _trigger(plan: Plan, svc: Service) -> CommentedMap:
    name = svc.name
    variables = _map(
        ("SERVICE", name),
        ("SERVICE_PATH", svc.path),
        ("IMAGE", svc.image),
        ("SERVICE_CHANGES", changes_glob(svc)),
    )
    if svc.context != svc.path:
        variables["CONTEXT"] = svc.context
    if svc.dockerfile != f"{svc.path}/Dockerfile":
        variables["DOCKERFILE"] = svc.dockerfile
    if svc.ci_image:
        variables["SERVICE_CI_IMAGE"] = svc.ci_image
    for env_name, steps in plan.steps.get(name, {}).items():
        for i, step in enumerate(steps, start=1):
            variables[step_variable(env_name, i)] = str(step)
    return _map(("extends", f".parasol-service-{plan.child_of[name]}"), ("variables", variables))


def _repository_checks(spec: PipelineSpec) -> CommentedMap:
    return _map(
        ("stage", "repository_checks"),
        ("needs", _seq([])),
        ("variables", _map(
            ("SCHEMA_LOCATION", _raw(spec.settings.schema_location)),
            ("PIPELINE_TARGET", "gitlab"),
            ("KUSTOMIZE_URL", _raw(scripts.KUSTOMIZE_URL)),
            ("KUSTOMIZE_SHA256", scripts.KUSTOMIZE_SHA256),
            ("GIT_DEPTH", "0"),  # validate --changed diffs against the merge request's base
            ("XDG_CACHE_HOME", "$CI_PROJECT_DIR/.cache"),  # where the job's cache entries can reach validate's
        )),
        # Only merge request pipelines define the diff base; set elsewhere, GitLab would pass the unexpanded text.
        ("rules", _seq([
            _map(("if", '$CI_PIPELINE_SOURCE == "merge_request_event"'),
                 ("variables", _map(("CHANGED_BASE", "$CI_MERGE_REQUEST_DIFF_BASE_SHA")))),
            _map(("when", "on_success")),
        ])),
        ("cache", _seq([tool_cache(spec), validate_cache()])),
        ("script", script(scripts.INSTALL_TOOL, scripts.INSTALL_KUSTOMIZE, scripts.INSTALL_CHECK_TOOLS,
                           scripts.REPOSITORY_CHECKS)),
    )
