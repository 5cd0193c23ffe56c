"""GitLab CI child pipelines: which child each service uses (:class:`Plan`) and the per-service DAG one child
holds (hidden template jobs with every script once, and each job kind's jobs). :mod:`.gitlab` writes the
parent that triggers them."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from ..messages import t
from . import scripts
from .model import Job, JobBuilders, JobKind, Pipeline, dispatch, semgrep_severity
from .nodes import cmap as _map
from .nodes import cseq as _seq
from .spectypes import Environment, PipelineSpec, Service
from .targets import VALIDATE_CACHES
from .toolpkg import cache_key

BUILDKIT_IMAGE = "moby/buildkit:v0.16.0-rootless"
TRIVY_IMAGE = "aquasec/trivy:0.56.2"
COSIGN_IMAGE = "alpine:3.20"
PLAYWRIGHT_IMAGE = "mcr.microsoft.com/playwright:v1.48.2-jammy"
K6_IMAGE = "grafana/k6:0.54.0"
ZAP_IMAGE = "ghcr.io/zaproxy/zaproxy:2.15.0"

IS_TAG = "$CI_COMMIT_TAG"
IS_DEFAULT = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
IS_DEPLOY_REF = f"{IS_TAG} || {IS_DEFAULT}"

Jobs = list[tuple[str, CommentedMap]]


class StrategyConflict(Exception):
    """A spec GitLab's one-child-per-service layout cannot express; :func:`synthesize` names the spec file."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def script(*texts: str) -> CommentedSeq:
    return _seq([LiteralScalarString(t) if "\n" in t.rstrip("\n") else t.rstrip("\n") for t in texts])


def env_variable(env_name: str) -> str:
    """The variable-name form of an environment name (DNS-1123 labels have no '_', so no clashes)."""
    return env_name.upper().replace("-", "_")


def step_variable(env_name: str, index: int) -> str:
    return f"{env_variable(env_name)}_STEP_{index}"


def globals_(spec: PipelineSpec) -> CommentedMap:
    repo = spec.gitops.repository
    return _map(
        ("GITOPS_REPOSITORY_URL", "$CI_SERVER_URL/$CI_PROJECT_PATH.git" if spec.gitops.is_self else repo),
        ("GITOPS_BRANCH", spec.gitops.branch),
        ("GITOPS_DIR", "gitops-checkout"),
        ("TOOL_PACKAGE", spec.settings.tool_package),
        ("PIP_CACHE_DIR", "$CI_PROJECT_DIR/.cache/pip"),
    )


def tool_cache(spec: PipelineSpec) -> CommentedMap:
    """pip's cache, keyed on the tool requirement: one download per tool version. A fresh object per job
    (a shared one would come out as a YAML anchor). GitLab keeps protected branches' caches apart from
    merge requests' by default, so an unprotected pipeline cannot poison what a deploy installs."""
    return _map(("key", cache_key(spec.settings.tool_package)), ("paths", _seq([".cache/pip"])))


def validate_cache() -> CommentedMap:
    """validate's caches (see github_steps.validate_cache) under $XDG_CACHE_HOME inside the project, where GitLab
    can keep them: per branch, falling back to the default branch's (a merge request starts from its full run)."""
    return _map(
        ("key", "parasol-gitops-validate-$CI_COMMIT_REF_SLUG"),
        ("fallback_keys", _seq(["parasol-gitops-validate-$CI_DEFAULT_BRANCH"])),
        ("paths", _seq([f".cache/parasol-gitops/{name}" for name in VALIDATE_CACHES])),
    )


class Plan:
    """Which child each service uses and how many variable canary steps each child holds."""

    def __init__(self, model: Pipeline) -> None:
        spec = model.spec
        self.deploy_envs = [model.environment(j.environment) for j in model.jobs if j.kind == JobKind.DEPLOY]
        self.child_of: dict[str, str] = {}
        self.steps: dict[str, dict[str, tuple[int, ...]]] = {}  # service → production env → its canary steps
        max_steps: dict[str, int] = {}
        for i, svc in enumerate(spec.services):
            strategy = self._child_strategy(svc, i)
            self.child_of[svc.name] = strategy
            if strategy != "canary":
                continue
            per_env = {}
            for env in self.deploy_envs:
                if env.tier == "production":
                    per_env[env.name] = spec.strategy_for(svc, env)[1]
                    max_steps[env.name] = max(max_steps.get(env.name, 0), len(per_env[env.name]))
            self.steps[svc.name] = per_env
        # A canary child holds as many step jobs as the longest step list; shorter lists leave the rest out.
        self.step_jobs = {e.name: max_steps.get(e.name, len(e.canary_steps)) for e in self.deploy_envs}

    def _child_strategy(self, svc: Service, index: int) -> str:
        if svc.strategy:
            return svc.strategy
        production = sorted({e.strategy for e in self.deploy_envs if e.tier == "production"})
        if len(production) > 1:
            raise StrategyConflict(f"services[{index}].strategy", t(
                "pipeline.spec.strategy_conflict", service=svc.name, strategies=", ".join(production)))
        return production[0] if production else "rolling"

    def env_strategy(self, child: str, env: Environment) -> str:
        return child if env.tier == "production" else env.strategy


def child(model: Pipeline, plan: Plan, strategy: str) -> CommentedMap:
    spec = model.spec
    doc = CommentedMap()
    doc["stages"] = _seq([s for s in model.stages if s != "repository_checks"])
    doc["default"] = _map(("image", spec.settings.ci_image), ("interruptible", True))
    # Defaults for what a trigger forwards only when it differs; forwarded variables take precedence.
    doc["variables"] = globals_(spec)
    doc["variables"].update(_map(
        ("CONTEXT", "$SERVICE_PATH"),
        ("DOCKERFILE", "$SERVICE_PATH/Dockerfile"),
        ("SERVICE_CI_IMAGE", spec.settings.ci_image),
    ))
    for hidden, body in _templates(spec):
        doc[hidden] = body
    builders = _Builders(model, plan, strategy).table()
    for job in model.jobs:
        if job.per_service:
            for name, body in dispatch(builders, job):
                doc[name] = body
    return doc


def _rules(*, extra: dict[str, Any] | None = None, condition: str = "") -> CommentedSeq:
    """Deploy-side jobs run only on tags and the default branch (CI jobs run whenever the child runs: the
    trigger already decided)."""
    test = f"{condition} && ({IS_DEPLOY_REF})" if condition else IS_DEPLOY_REF
    return _seq([_map(("if", test), *(extra or {}).items())])


def _needs(job: Job, *more: str) -> CommentedSeq:
    return _seq(sorted(set(job.needs) | set(more)))


def _service_url(env: Environment) -> str:
    return env.service_url("$SERVICE")


def _env_block(env: Environment) -> CommentedMap:
    block = _map(("name", f"{env.name}/$SERVICE"), ("deployment_tier", env.tier))
    if env.url:
        block["url"] = _service_url(env)
    return block


class _Builders:
    """The jobs of each kind in the child of ``strategy``."""

    def __init__(self, model: Pipeline, plan: Plan, strategy: str) -> None:
        self.model, self.spec, self.plan, self.strategy = model, model.spec, plan, strategy

    def table(self) -> JobBuilders[Jobs]:
        return JobBuilders(
            lint_and_test=self.lint_and_test, build=self.build, image_scan=self.image_scan,
            dependency_scan=self.dependency_scan, sast=self.sast, deploy=self.deploy,
            e2e=self.e2e, performance=self.performance, dast=self.dast,
        )

    def _build_job(self) -> str:
        return next(j for j in self.model.jobs if j.kind == JobKind.BUILD).id

    def lint_and_test(self, job: Job) -> Jobs:
        return [(job.id, _map(
            ("stage", job.stage),
            ("image", "$SERVICE_CI_IMAGE"),
            ("needs", _needs(job)),
            ("variables", _map(("COVERAGE_THRESHOLD", str(job.coverage_threshold)))),
            ("extends", ".parasol-lint-and-test"),
        ))]

    def build(self, job: Job) -> Jobs:
        out = [(job.id, _map(
            ("stage", job.stage),
            ("extends", ".parasol-build"),
            ("needs", _needs(job)),
            ("variables", _map(
                ("SBOM", "true" if job.sbom else "false"),
                ("PROVENANCE", "true" if job.provenance else "false"),
            )),
        ))]
        if job.provenance:
            out.append((f"{job.id}-sign", _map(
                ("stage", job.stage), ("extends", ".parasol-sign"), ("needs", _seq([job.id])))))
        return out

    def _scan(self, job: Job, image: Any, variables: CommentedMap, text: str, needs: CommentedSeq) -> Jobs:
        return [(job.id, _map(("stage", job.stage), ("image", image), ("needs", needs), ("variables", variables),
                              ("script", script(text))))]

    def image_scan(self, job: Job) -> Jobs:
        return self._scan(
            job, _map(("name", TRIVY_IMAGE), ("entrypoint", _seq([""]))),
            _map(("SEVERITY", job.severity),
                 ("TRIVY_USERNAME", "$CI_REGISTRY_USER"), ("TRIVY_PASSWORD", "$CI_REGISTRY_PASSWORD")),
            'trivy image --exit-code 1 --ignore-unfixed --severity "$SEVERITY" "$IMAGE@$IMAGE_DIGEST"\n',
            _needs(job, self._build_job()),
        )

    def dependency_scan(self, job: Job) -> Jobs:
        return self._scan(
            job, _map(("name", TRIVY_IMAGE), ("entrypoint", _seq([""]))), _map(("SEVERITY", job.severity)),
            'trivy fs --scanners vuln --exit-code 1 --ignore-unfixed --severity "$SEVERITY" "$SERVICE_PATH"\n',
            _needs(job),
        )

    def sast(self, job: Job) -> Jobs:
        return self._scan(
            job, self.spec.settings.ci_image, _map(("SEVERITY", semgrep_severity(job))),
            "python3 -m pip install --quiet semgrep\n"
            'semgrep scan --config p/default --error --metrics off --severity "$SEVERITY" "$SERVICE_PATH"\n',
            _needs(job),
        )

    def deploy(self, job: Job) -> Jobs:
        env = self.model.environment(job.environment)
        group = f"{env.name}/$SERVICE"
        approval: dict[str, Any] = {"when": "manual", "allow_failure": False} if env.approval else {}
        common = [("ENVIRONMENT", env.name)]
        jobs: Jobs = [(job.id, _map(
            ("stage", job.stage),
            ("needs", _needs(job, self._build_job())),
            ("extends", ".parasol-deploy"),
            ("resource_group", group),
            ("environment", _env_block(env)),
            ("variables", _map(*common)),
            ("rules", _rules(extra=approval)),
        ))]
        strategy = self.plan.env_strategy(self.strategy, env)
        delayed = {"when": "delayed", "start_in": f"{self.spec.settings.canary_interval_minutes} minutes"}
        required: list[str] = []
        optional: list[str] = []
        previous = job.id

        def step_job(name: str, steps: str, condition: str = "") -> None:
            nonlocal previous
            jobs.append((name, _map(
                ("stage", job.stage),
                ("extends", ".parasol-verify"),
                ("needs", _seq([previous])),
                ("resource_group", group),
                ("variables", _map(*common, ("STRATEGY", strategy), ("STEP", steps))),
                ("rules", _rules(extra=delayed, condition=condition)),
            )))
            (optional if condition else required).append(name)
            previous = name

        if strategy == "canary" and env.tier == "production":
            # The steps are the service's: forwarded as <ENV>_STEP_<n>; a job whose step is unset is left out.
            for i in range(1, self.plan.step_jobs[env.name] + 1):
                var = step_variable(env.name, i)
                step_job(f"{job.id}-canary-step-{i}", f"${var}", condition=f"${var}")
        elif strategy == "canary":
            for step in env.canary_steps:
                step_job(f"{job.id}-canary-{step}", str(step))
        elif strategy == "blue-green":
            step_job(f"{job.id}-blue-green-100", "100")

        def after(suffix: str, needs: list[Any], extends: str, extra: dict[str, Any]) -> None:
            jobs.append((f"{job.id}-{suffix}", _map(
                ("stage", job.stage),
                ("needs", _seq(needs)),
                ("extends", extends),
                ("resource_group", group),
                ("environment", _env_block(env)),
                ("variables", _map(*common)),
                ("rules", _rules(extra=extra)),
            )))

        after("rollback", [job.id], ".parasol-rollback", {"when": "manual", "allow_failure": True})
        after("auto-rollback", [job.id, *required, *(_map(("job", n), ("optional", True)) for n in optional)],
              ".parasol-auto-rollback", {"when": "on_failure"})
        return jobs

    def _integration(self, job: Job, image: Any, variables: tuple[tuple[str, Any], ...], text: str) -> Jobs:
        url = _service_url(self.model.environment(job.environment))
        return [(job.id, _map(("stage", job.stage), ("image", image), ("needs", _needs(job)),
                              ("interruptible", False), ("variables", _map(("BASE_URL", url), *variables)),
                              ("script", script(text)), ("rules", _rules())))]

    def e2e(self, job: Job) -> Jobs:
        return self._integration(job, PLAYWRIGHT_IMAGE, (("E2E_PATH", self.spec.settings.e2e_path),),
                                 scripts.E2E_CHECK + 'cd "$E2E_PATH"\nnpm ci\nnpx playwright test\n')

    def performance(self, job: Job) -> Jobs:
        return self._integration(job, _map(("name", K6_IMAGE), ("entrypoint", _seq([""]))),
                                 (("K6_SCRIPT", self.spec.settings.k6_script),),
                                 scripts.K6_CHECK + 'k6 run "$K6_SCRIPT"\n')

    def dast(self, job: Job) -> Jobs:
        return self._integration(job, ZAP_IMAGE, (), scripts.DAST_CHECK + 'zap-baseline.py -t "$BASE_URL" -I\n')


def _templates(spec: PipelineSpec) -> Jobs:
    """Hidden jobs holding every script once; the service's jobs extend them. Each job that runs the tool
    installs it first, from pip's cache; nothing here is shared between two jobs as one object."""

    def token() -> CommentedMap:
        return _map(("GIT_TOKEN", "$GITOPS_TOKEN"), ("GIT_TOKEN_USER", "oauth2"))

    def tool_job(*scripts_: str, **extra: Any) -> CommentedMap:
        body = _map(("interruptible", False), *extra.items())
        body["cache"] = tool_cache(spec)
        body["script"] = script(scripts.INSTALL_TOOL, *scripts_)
        return body

    lint = tool_job(scripts.TEST)
    del lint["interruptible"]  # CI work: a newer pipeline may cancel it (default interruptible)
    return [
        (".parasol-lint-and-test", lint),
        (".parasol-build", _map(
            ("image", _map(("name", BUILDKIT_IMAGE), ("entrypoint", _seq([""])))),
            ("variables", _map(("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"),
                               ("REGISTRY_USER", "$CI_REGISTRY_USER"),
                               ("REGISTRY_PASSWORD", "$CI_REGISTRY_PASSWORD"))),
            ("script", script(scripts.GITLAB_BUILD)),
            ("artifacts", _map(("reports", _map(("dotenv", "build.env"))))),
        )),
        (".parasol-sign", _map(
            ("image", COSIGN_IMAGE),
            ("id_tokens", _map(("SIGSTORE_ID_TOKEN", _map(("aud", "sigstore"))))),
            ("script", script(scripts.GITLAB_SIGN)),
        )),
        # deploy.env also when the job fails (verify after the push): the automatic rollback reverts
        # exactly the commit this job pushed, and nothing when it pushed none.
        (".parasol-deploy", tool_job(
            scripts.GITLAB_DEPLOY, scripts.SMOKE, scripts.VERIFY,
            image=spec.settings.ci_image, variables=token(),
            artifacts=_map(("when", "always"), ("reports", _map(("dotenv", "deploy.env")))),
        )),
        (".parasol-verify", tool_job('echo "$STRATEGY step $STEP%"\n', scripts.VERIFY)),
        (".parasol-rollback", tool_job(scripts.GITLAB_ROLLBACK, variables=token())),
        (".parasol-auto-rollback", tool_job(scripts.GITLAB_AUTO_ROLLBACK, variables=token())),
    ]
