"""validate's check titles, fix hints and fixed-sentence messages come from the catalogue in English and Japanese.

The text report speaks the detected language; JSON (``hint``, ``message``) stays English, as it was.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CRD_SCHEMAS, CliResult, find_tool, run_cli
from repo_builders import edit_yaml, write_repo

from parasol_gitops import messages
from parasol_gitops.messages import CATALOGUE, t
from parasol_gitops.validate.findings import CHECKS

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
BACKTICKED = re.compile(r"`[^`]+`")

# What CHECKS exposed before the texts moved to the catalogue (id: (title, hint)). The hint is the JSON ``hint``
# field of every finding, an interface: these must not drift.
BEFORE: dict[str, tuple[str, str]] = {
    "PGO-BUILD": (
        "kustomization does not build",
        "run `kubectl kustomize <dir>` and fix the reported file"),
    "PGO-REMOTE-BASE": (
        "remote kustomize base not fetched (validation runs offline)",
        "the local resources of this kustomization were validated without the remote base"),
    "PGO-REMOTE-REF": (
        "remote reference: validate never fetches it, and the folder is not built",
        "vendor the remote content into this repository, or pin an https:// base with ?ref= in resources"),
    "PGO-OUTSIDE-ROOT": (
        "path resolves outside the repository root: not read",
        "replace the symlink or the ../ path with files inside the repository"),
    "PGO-INPUT-LIMIT": (
        "input refused: not a regular file, or above the size limit",
        "keep manifests as regular files under 8 MiB (32 MiB per build); remove FIFOs and device links"),
    "PGO-HELM-RENDER": (
        "Helm chart does not render",
        "render the chart with `helm template` and fix the template or values file"),
    "PGO-HELM-SKIPPED": (
        "Helm chart not rendered: no Helm renderer installed",
        "pip install helm-python-sdk to render and validate charts"),
    "PGO-SCHEMA": (
        "object does not match its schema",
        "fix the field named in the message (see `kubectl explain <kind>.<field>`)"),
    "PGO-SCHEMA-MISSING": (
        "no schema for this kind: objects skipped, not passed",
        "pass --schema-location with the CRD JSON schemas (kubeconform layout)"),
    "PGO-APP-ROOT": (
        "no root Application (app of apps) found",
        "add an Application whose source path is the folder holding the other Applications"),
    "PGO-APP-PATH": (
        "Argo CD source path does not exist",
        "create the folder or correct spec.source.path"),
    "PGO-APP-PROJECT": (
        "Argo CD project not defined in the repository",
        "add an AppProject with this name under projects/ or correct spec.project"),
    "PGO-APP-DESTINATION": (
        "destination not allowed by the AppProject",
        "add the cluster/namespace to the AppProject's destinations or correct spec.destination"),
    "PGO-APP-SOURCE-REPO": (
        "source repository not allowed by the AppProject",
        "add the repository to the AppProject's sourceRepos or correct spec.source.repoURL"),
    "PGO-APP-ENV-MISSING": (
        "service not deployed to an environment",
        "add services/<svc>/overlays/<env> and the Application (or ApplicationSet element) that deploys it"),
    "PGO-APP-ORPHAN": (
        "service folder deployed by no Application",
        "deploy it from apps/ or delete the folder"),
    "PGO-POD-SECURITY": (
        "workload violates Pod Security 'restricted'",
        "set runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault"),
    "PGO-READONLY-ROOTFS": (
        "container root filesystem is writable",
        "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for scratch space"),
    "PGO-RESOURCES": (
        "container without CPU/memory requests or memory limit",
        "set resources.requests.cpu, resources.requests.memory and resources.limits.memory"),
    "PGO-PROBES": (
        "long-running container without liveness or readiness probe",
        "add livenessProbe and readinessProbe (and startupProbe for slow starts)"),
    "PGO-IMAGE-TAG": (
        "image is untagged or uses 'latest'",
        "pin a version tag or digest (kustomize images: newTag / digest)"),
    "PGO-NETPOL-DEFAULT-DENY": (
        "namespace without a default-deny NetworkPolicy",
        "add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules"),
    "PGO-PDB": (
        "multi-replica workload without a PodDisruptionBudget",
        "add a PodDisruptionBudget whose selector matches the pod labels"),
    "PGO-HPA-BOUNDS": (
        "HorizontalPodAutoscaler bounds are not sane",
        "keep 1 <= minReplicas <= maxReplicas <= 100"),
    "PGO-QUOTA-HPA": (  # added with the capacity plan (issue 12)
        "ResourceQuota cannot hold the HPA maximum",
        "raise the namespace's ResourceQuota to the capacity plan (every HPA at maxReplicas) or lower maxReplicas"),
    "PGO-PROJECT-WILDCARD": (
        "AppProject allows '*'",
        "list the exact source repositories, destinations and cluster-scoped kinds"),
    "PGO-SECRET-PLAINTEXT": (
        "plaintext Secret in the repository",
        "use an ExternalSecret or SealedSecret instead of a Secret (or secretGenerator)"),
    "PGO-ROLLOUT-ANALYSIS": (
        "canary/blue-green Rollout without analysis",
        "add canary analysis steps or blueGreen pre/postPromotionAnalysis referencing an AnalysisTemplate"),
    "PGO-SERVICE-ALERTS": (
        "service without alert rules",
        'add a PrometheusRule whose rules select the service (e.g. service="<svc>")'),
    "PGO-SERVICE-DASHBOARD": (
        "service without a dashboard",
        "add a Grafana dashboard ConfigMap (label grafana_dashboard) for the service"),
    "PGO-SERVICE-MONITOR": (
        "service without a ServiceMonitor or PodMonitor",
        "add a ServiceMonitor selecting the service's metrics port"),
    "PGO-BACKUP": (
        "namespace with state not covered by a backup schedule",
        "add a Velero Schedule including the namespace (or a CNPG ScheduledBackup for the cluster)"),
    "PGO-PIPELINE-DRIFT": (
        "CI files differ from what pipeline.yaml synthesizes",
        "run `parasol-gitops pipeline --target <t>` and commit the result"),
    "PGO-PIPELINE-SPEC": (
        "pipeline.yaml is invalid",
        "fix pipeline.yaml as the message says"),
    "PGO-PIPELINE-MISSING": (
        "no pipeline.yaml: CI sync not checked",
        "add pipeline.yaml and synthesize CI with `parasol-gitops pipeline`"),
}


@pytest.fixture(autouse=True)
def _detected_language() -> Iterator[None]:
    yield
    messages.set_language(None)


def test_every_check_has_a_title_and_a_hint_in_english_and_japanese() -> None:
    for check_id in CHECKS:
        for part in ("title", "hint"):
            texts = CATALOGUE[f"check.{check_id}.{part}"]
            en, ja = texts["en"].strip(), texts["ja"].strip()
            assert en and ja, (check_id, part)
            assert ja != en and JAPANESE.search(ja), (check_id, part, ja)
            assert not JAPANESE.search(en), (check_id, part, en)
            # commands, placeholders and file names in backticks are copied, not translated
            assert BACKTICKED.findall(ja) == BACKTICKED.findall(en), (check_id, part, ja)


def test_the_catalogue_holds_texts_only_for_registered_checks() -> None:
    ids = {key.split(".")[1] for key in CATALOGUE if key.startswith("check.") and key != "check.line"}
    assert ids == set(CHECKS)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_finding_messages_have_japanese_with_the_same_parameters() -> None:
    keys = [key for key in CATALOGUE if key.startswith("check.") and ".msg" in key]
    assert len(keys) >= 15
    for key in keys:
        en, ja = CATALOGUE[key]["en"], CATALOGUE[key]["ja"]
        assert JAPANESE.search(ja) and not JAPANESE.search(en), key
        assert _fields(ja) == _fields(en), key
    assert _fields(CATALOGUE["check.line"]["ja"]) == _fields(CATALOGUE["check.line"]["en"]) == {"id", "hint", "title"}


def test_english_titles_and_hints_are_what_checks_exposed_before_whatever_the_language() -> None:
    assert set(BEFORE) <= set(CHECKS)  # ids are only ever added (findings.py)
    for lang in ("en", "ja"):
        messages.set_language(lang)
        for check_id, (title, hint) in BEFORE.items():
            assert (CHECKS[check_id].title, CHECKS[check_id].hint) == (title, hint), (lang, check_id)
            assert CHECKS[check_id].hint_in("en") == hint and CHECKS[check_id].title_in("en") == title
    messages.set_language("ja")
    assert CHECKS["PGO-IMAGE-TAG"].hint_in() == t("check.PGO-IMAGE-TAG.hint", "ja") != BEFORE["PGO-IMAGE-TAG"][1]


# ---- a real run ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def latest_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    find_tool("kubectl")
    repo = write_repo(tmp_path_factory.mktemp("h7") / "repo", envs=("dev",))
    edit_yaml(repo / "services/orders/overlays/dev/kustomization.yaml",
              lambda d: d[0]["images"][0].update(newTag="latest"))
    # a finding whose message is a catalogue sentence ("'*' in sourceRepos")
    edit_yaml(repo / "projects/dev.yaml", lambda d: d[0]["spec"].update(sourceRepos=["*"]))
    return repo


def _validate(repo: Path, *root: str, fmt: str = "text", env: dict[str, str] | None = None) -> CliResult:
    return run_cli(*root, "validate", str(repo), "--format", fmt, "--schema-location", str(CRD_SCHEMAS), env=env)


@pytest.fixture(scope="module")
def runs(latest_repo: Path) -> dict[str, CliResult]:
    """The broken repository validated once per form: text in Japanese and English, JSON under Japanese."""
    out = {"ja": _validate(latest_repo, "--lang", "ja"), "en": _validate(latest_repo, "--lang", "en"),
           "json-ja": _validate(latest_repo, "--lang", "ja", fmt="json")}
    messages.set_language(None)
    return out


def _fix_lines(out: str, check_id: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"  {check_id}: ")]


def _row(out: str, check_id: str) -> str:
    [row] = [line for line in out.splitlines() if line.startswith(f"  {check_id} ")]
    return row


def test_text_report_gives_title_and_hint_in_the_chosen_language(runs: dict[str, CliResult]) -> None:
    en_title, en_hint = BEFORE["PGO-IMAGE-TAG"]
    ja_title, ja_hint = t("check.PGO-IMAGE-TAG.title", "ja"), t("check.PGO-IMAGE-TAG.hint", "ja")

    ja = runs["ja"]
    assert ja.exit_code == 1, ja.stderr
    fix = ja.stdout[ja.stdout.index("修正方法:"):]
    [line] = _fix_lines(fix, "PGO-IMAGE-TAG")
    assert ja_hint in line and ja_title in line
    assert en_hint not in ja.stdout and en_title not in ja.stdout

    en = runs["en"]
    assert en.exit_code == 1, en.stderr
    fix = en.stdout[en.stdout.index("How to fix:"):]
    [line] = _fix_lines(fix, "PGO-IMAGE-TAG")
    assert line.startswith(f"  PGO-IMAGE-TAG: {en_hint}") and en_title in line
    assert not JAPANESE.search(en.stdout)


def test_a_japanese_locale_without_lang_gives_japanese_hints(latest_repo: Path) -> None:
    res = _validate(latest_repo, env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ja_JP.UTF-8"})
    assert res.exit_code == 1, res.stderr
    [line] = _fix_lines(res.stdout, "PGO-IMAGE-TAG")
    assert t("check.PGO-IMAGE-TAG.hint", "ja") in line


def test_json_stays_english_under_japanese(runs: dict[str, CliResult]) -> None:
    res = runs["json-ja"]
    assert res.exit_code == 1, res.stderr
    findings = json.loads(res.stdout)["findings"]
    image = [f for f in findings if f["id"] == "PGO-IMAGE-TAG"]
    assert image and {f["hint"] for f in image} == {BEFORE["PGO-IMAGE-TAG"][1]}
    [wildcard] = [f for f in findings if f["id"] == "PGO-PROJECT-WILDCARD"]
    assert wildcard["message"] == "'*' in sourceRepos"
    assert set(wildcard) == {"id", "where", "object", "message", "severity", "hint"}
    assert all(not JAPANESE.search(f["message"] + f["hint"]) for f in findings)


def test_catalogued_finding_messages_are_translated_in_the_text_report(runs: dict[str, CliResult]) -> None:
    ja_msg = t("check.PGO-PROJECT-WILDCARD.msg", "ja", fields="sourceRepos")
    assert _row(runs["ja"].stdout, "PGO-PROJECT-WILDCARD").endswith(ja_msg)
    assert "'*' in sourceRepos" not in runs["ja"].stdout
    assert _row(runs["en"].stdout, "PGO-PROJECT-WILDCARD").endswith("'*' in sourceRepos")
