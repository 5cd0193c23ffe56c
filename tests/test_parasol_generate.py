"""``parasol-gitops platform`` end to end: outputs/7-platform is a valid GitOps repository (kubectl kustomize,
kubernetes-validate, CRD JSON schemas, app-of-apps paths), re-runs keep hand edits through copier update,
conflicts exit 1, and the partial subcommands touch only their own files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from conftest import CRD_SCHEMAS, ROOT, find_tool, run_cli, run_tool
from parasol_builders import (
    DEFAULT_SERVICES,
    add_guides,
    copy_fixture,
    make_project,
    tree_hashes,
    write_outputs,
)

from parasol_gitops.parasol.clean import clean_terminal_capture
from parasol_gitops.parasol.generate import PARTS, _matches

NOW = "2026-02-03T04:05:06Z"
KUBE_VERSION = "1.31.0"
DOCS = ["infrastructure-design.md", "cicd-pipeline.md", "monitoring-observability.md", "deployment-strategy.md",
        "disaster-recovery.md"]
ENVS = ["dev", "staging", "production"]


# --- fixtures -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed template as its own git repository: ``copier update`` needs the commit it rendered from to
    exist, which a template working tree with uncommitted edits cannot promise."""
    dest = tmp_path_factory.mktemp("template")
    archive = subprocess.run(["git", "archive", "HEAD", "copier.yml", "template"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "template"]):
        subprocess.run(["git", *args], cwd=dest, check=True)
    return dest


def platform(root: Path, template: Path, *args: str, cwd: Path | None = None, lang: str | None = None) -> Any:
    return run_cli(*(("--lang", lang) if lang else ()), "platform", *args, "--template", str(template),
                   cwd=cwd or root, env={"PARASOL_GITOPS_NOW": NOW})


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, template_repo: Path) -> tuple[Path, str, Any]:
    root = make_project(tmp_path_factory.mktemp("synthetic") / "shop")
    original = (root / "parasol.yaml").read_text(encoding="utf-8")
    result = platform(root, template_repo)
    assert result.exit_code == 0, result.stderr
    return root, original, result


def fresh_copy(generated: tuple[Path, str, Any], tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(generated[0], root, symlinks=True)
    return root


# --- real consumers -----------------------------------------------------------------------------------------------


def kustomize_dirs(repo: Path) -> list[Path]:
    """Every folder with a kustomization.yaml that builds offline (bootstrap pulls Argo CD from GitHub)."""
    found = []
    for path in sorted(repo.rglob("kustomization.yaml")):
        rel = path.relative_to(repo)
        if rel.parts[0] in (".git", "bootstrap") or "helm" in rel.parts:
            continue
        found.append(path.parent)
    return found


def build(path: Path) -> list[dict[str, Any]]:
    result = run_tool([find_tool("kubectl"), "kustomize", str(path)])
    assert result.returncode == 0, f"kubectl kustomize {path}: {result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@cache
def crd_validator(group: str, kind: str, version: str) -> Any:
    path = CRD_SCHEMAS / group / f"{kind.lower()}_{version}.json"
    assert path.is_file(), f"no CRD schema for {group}/{kind} {version}"
    schema = json.loads(path.read_text())
    # No meta-schema check: CRD schemas carry Go regexes such as '^(?i)(abort|warn)?$' that Python's re cannot
    # compile; they only matter for fields our objects do not set.
    return jsonschema.validators.validator_for(schema)(schema)


@cache
def k8s_validator(api_version: str, kind: str) -> Any:
    """kubernetes-validate's own check (its strict schemas for KUBE_VERSION, Draft 2020-12 with its definitions
    registry), built once per kind: ``kubernetes_validate.validate`` re-reads the multi-megabyte definitions file
    on every call, which made the suntory test take minutes."""
    from kubernetes_validate.utils import Registry, Resource, all_versions, major_minor, schema_contents

    version = [v for v in all_versions() if major_minor(v) <= major_minor(KUBE_VERSION)][-1]
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    schema = schema_contents(f"{folder}/{kind.lower()}-{api}.json", KUBE_VERSION)
    definitions = schema_contents(f"{folder}/_definitions.json", KUBE_VERSION)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


_CROSS_CHECKED: set[tuple[str, str]] = set()


def validate_object(doc: dict[str, Any], where: str) -> None:
    group, _, version = doc["apiVersion"].rpartition("/")
    name = f"{where}: {doc['kind']}/{doc['metadata'].get('name')}"
    # Gateway API is a CRD although its group ends in .k8s.io
    if group and "." in group and (not group.endswith(".k8s.io") or group == "gateway.networking.k8s.io"):
        errors = [e.message for e in crd_validator(group, doc["kind"], version).iter_errors(doc)]
        assert not errors, f"{name}: {errors[0]}"
        return
    kind_key = (doc["apiVersion"], doc["kind"])
    if kind_key not in _CROSS_CHECKED:  # the library's own entry point, once per kind
        _CROSS_CHECKED.add(kind_key)
        try:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            raise AssertionError(f"{name}: {exc.message}") from None
    errors = [e.message for e in k8s_validator(*kind_key).iter_errors(doc)]
    assert not errors, f"{name}: {errors[0]}"


def check_repository(repo: Path, services: list[str], *, every_folder: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Build every overlay, validate every object, resolve the Application paths; returns builds by folder.

    ``every_folder=False`` (the large real projects) builds the Parasol ``kubernetes/overlays/<env>`` views, which
    include the platform overlay and every service overlay of that environment, plus ``apps/`` and ``projects/``:
    the same objects, a tenth of the kustomize runs."""
    from concurrent.futures import ThreadPoolExecutor

    folders = kustomize_dirs(repo)
    if not every_folder:
        folders = [f for f in folders if f.relative_to(repo).parts[0] in ("kubernetes", "apps", "projects")
                   and "base" not in f.relative_to(repo).parts]
    with ThreadPoolExecutor(max_workers=2) as pool:  # the machine has two cores
        built = list(pool.map(build, folders))
    builds = {folder.relative_to(repo).as_posix(): docs for folder, docs in zip(folders, built, strict=True)}
    seen: set[str] = set()
    for rel, docs in builds.items():
        for doc in docs:
            key = json.dumps(doc, sort_keys=True)
            if key not in seen:  # the kubernetes/overlays views repeat the service overlays' objects
                seen.add(key)
                validate_object(doc, rel)
    for svc in services:
        for env in ENVS:
            if every_folder:
                assert f"services/{svc}/overlays/{env}" in builds
            assert any(d["metadata"].get("name") == svc and d["kind"] == "Service"
                       for d in builds[f"kubernetes/overlays/{env}"]), (svc, env)
    for env in ENVS:
        assert f"kubernetes/overlays/{env}" in builds  # the Parasol layout view builds too
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    apps = [d for docs in builds.values() for d in docs if d["kind"] == "Application"]
    apps += [d for p in sorted((repo / "bootstrap").rglob("*.yaml")) for d in yaml.safe_load_all(p.read_text())
             if d and d.get("kind") == "Application"]
    assert apps
    for app in apps:
        sources = app["spec"].get("sources") or [app["spec"]["source"]]
        for source in sources:
            if source.get("repoURL") == answers["gitops_repo_url"] and "path" in source:
                assert (repo / source["path"]).is_dir(), f"{app['metadata']['name']}: {source['path']} missing"
    return builds


# --- tests --------------------------------------------------------------------------------------------------------


def test_generates_the_parasol_layout(generated: tuple[Path, str, Any]) -> None:
    root, _, result = generated
    repo = root / "outputs" / "7-platform"
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    services = sorted(s["name"] for s in answers["services"])
    assert answers["layout"] == "parasol" and answers["project_name"] == "demo-shop"
    assert len(services) == 3 and "order-service" in services and "catalog-service" in services
    for doc in DOCS:
        assert (repo / doc).is_file(), doc
    assert "order-service" in (repo / "infrastructure-design.md").read_text()
    assert (repo / "kubernetes" / "base" / "kustomization.yaml").is_file()
    for env in ENVS:
        assert (repo / "kubernetes" / "overlays" / env / "kustomization.yaml").is_file()
    for svc in services:
        assert (repo / "kubernetes" / "helm" / svc / "Chart.yaml").is_file()
    assert "Phase 7 (platform) written to" in result.stdout
    assert "parasol-gitops validate" in result.stdout and "parasol-gitops status vms5" in result.stdout
    status = run_tool(["git", "status", "--porcelain"], cwd=repo)
    assert status.returncode == 0 and status.stdout == ""
    log = run_tool(["git", "log", "--format=%s"], cwd=repo).stdout.splitlines()
    assert log == ["parasol-gitops platform: generate 3 services"]


def test_parasol_yaml_records_phase7_and_nothing_else(generated: tuple[Path, str, Any]) -> None:
    root, original, _ = generated
    after = (root / "parasol.yaml").read_text(encoding="utf-8")
    assert (root / "parasol.yaml.bak").read_text(encoding="utf-8") == original
    old_lines, new_lines = original.splitlines(), after.splitlines()
    start = old_lines.index("  phase7:")
    assert new_lines[:start + 2] == old_lines[:start + 2]  # up to and including name: "Platform"
    tail = old_lines[start + 4:]  # after status + completed
    assert new_lines[len(new_lines) - len(tail):] == tail
    block = new_lines[start + 2:len(new_lines) - len(tail)]
    assert block[:3] == ["    status: completed", f"    started: {NOW}", f"    completed: {NOW}"]
    assert block[3] == "    artifacts:"
    artifacts = [line.strip()[2:] for line in block[4:]]
    assert set(DOCS) <= set(artifacts) and "kubernetes/" in artifacts and artifacts == sorted(artifacts)


def test_generated_repository_builds_and_validates(generated: tuple[Path, str, Any]) -> None:
    repo = generated[0] / "outputs" / "7-platform"
    builds = check_repository(repo, ["order-service", "catalog-service"])
    prod = builds["services/order-service/overlays/production"]
    kinds = {d["kind"] for d in prod}
    # Core service: canary Rollout, a PDB, at least 3 production replicas (scaling 高), gRPC on the Service.
    assert {"Rollout", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor"} <= kinds
    rollout = next(d for d in prod if d["kind"] == "Rollout")
    assert "canary" in rollout["spec"]["strategy"] and rollout["spec"]["replicas"] >= 3
    ports = [p["port"] for d in prod if d["kind"] == "Service" for p in d["spec"]["ports"]]
    assert 9090 in ports
    platform_prod = builds["platform/overlays/production"]
    secret = next(d for d in platform_prod if d["kind"] == "ExternalSecret"
                  and d["metadata"]["name"] == "order-service-secrets")
    keys = [item["remoteRef"]["key"] for item in secret["spec"].get("data", [])]
    # PostgreSQL and Redis credentials come from the secret store, never from git.
    assert any(k.endswith("/order-service/postgresql") for k in keys) and any(k.endswith("/redis") for k in keys)
    assert not [d for docs in builds.values() for d in docs if d["kind"] == "Secret"]


def test_rerun_keeps_hand_edits_and_adds_a_service(generated: tuple[Path, str, Any], template_repo: Path,
                                                   tmp_path: Path) -> None:
    root = fresh_copy(generated, tmp_path)
    # Parasol projects usually live in a git repository of their own: 7-platform stays a separate repository.
    assert run_tool(["git", "init", "-q", str(root)]).returncode == 0
    repo = root / "outputs" / "7-platform"
    overlay = repo / "services" / "order-service" / "overlays" / "dev" / "kustomization.yaml"
    overlay.write_text(overlay.read_text() + "# tuned by the team\n")
    (repo / "NOTES.md").write_text("our notes\n")
    text = (root / "parasol.yaml").read_text(encoding="utf-8")
    (root / "parasol.yaml").write_text(text.replace(
        "        bounded_contexts: [notification]\n",
        "        bounded_contexts: [notification]\n      - name: \"Payment Service\"\n        type: Core\n"
        "        bounded_contexts: [payments]\n"), encoding="utf-8")
    result = platform(root, template_repo)
    assert result.exit_code == 0, result.stderr
    assert "committed your hand edits" in result.stdout
    assert overlay.read_text().endswith("# tuned by the team\n")
    assert (repo / "NOTES.md").read_text() == "our notes\n"
    assert (repo / "services" / "payment-service" / "overlays" / "production" / "kustomization.yaml").is_file()
    log = run_tool(["git", "log", "--format=%s"], cwd=repo).stdout.splitlines()
    assert log == ["parasol-gitops platform: update 4 services", "hand edits before parasol-gitops update",
                   "parasol-gitops platform: generate 3 services"]
    assert run_tool(["git", "status", "--porcelain"], cwd=repo).stdout == ""
    check_repository(repo, ["order-service", "catalog-service", "payment-service"], every_folder=False)


def test_conflict_exits_1_naming_the_file(generated: tuple[Path, str, Any], template_repo: Path,
                                          tmp_path: Path) -> None:
    root = fresh_copy(generated, tmp_path)
    repo = root / "outputs" / "7-platform"
    hpa = repo / "services" / "catalog-service" / "base" / "hpa.yaml"
    hpa.write_text(hpa.read_text().replace("maxReplicas: 10", "maxReplicas: 12"))
    definition = root / "outputs/4-architecture/vs1-commerce/services/catalog-service/service-definition.md"
    definition.write_text(definition.read_text(encoding="utf-8").replace("Requirement: 低〜中", "Requirement: 高"),
                          encoding="utf-8")
    before = (root / "parasol.yaml").read_bytes()
    result = platform(root, template_repo)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    error = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "services/catalog-service/base/hpa.yaml" in error[0]
    assert (root / "parasol.yaml").read_bytes() == before  # a failed run does not record progress


def _add_service(root: Path) -> None:
    text = (root / "parasol.yaml").read_text(encoding="utf-8")
    (root / "parasol.yaml").write_text(text.replace(
        "        bounded_contexts: [notification]\n",
        "        bounded_contexts: [notification]\n      - name: \"Payment Service\"\n        type: Core\n"
        "        bounded_contexts: [payments]\n"), encoding="utf-8")


@pytest.mark.parametrize("part", sorted(PARTS))
def test_partial_regeneration_touches_only_its_files(generated: tuple[Path, str, Any], template_repo: Path,
                                                      tmp_path: Path, part: str) -> None:
    root = fresh_copy(generated, tmp_path)
    repo = root / "outputs" / "7-platform"
    _add_service(root)
    project_before = (root / "parasol.yaml").read_bytes()
    before = tree_hashes(repo)
    result = platform(root, template_repo, part)
    assert result.exit_code == 0, result.stderr
    after = tree_hashes(repo)
    changed = sorted(rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel))
    files = [rel for rel in changed if not rel.endswith("/")]
    assert files, f"{part}: adding a service changed none of its files"
    assert all(_matches(rel, PARTS[part]) for rel in files), files
    assert (root / "parasol.yaml").read_bytes() == project_before
    assert run_tool(["git", "status", "--porcelain"], cwd=repo).stdout == ""  # the slice is committed
    assert f"regenerated {part}:" in result.stdout


@pytest.mark.parametrize("part", sorted(PARTS))
def test_partial_works_as_a_first_command(tmp_path: Path, template_repo: Path, part: str) -> None:
    """Issue 13.6: infra|cicd|monitoring before any full run write their slice only, touch nothing else of the
    project, and a later full run renders the repository around them (an edit of theirs kept on top)."""
    root = make_project(tmp_path / "shop")
    before = tree_hashes(root)
    result = platform(root, template_repo, part)
    assert result.exit_code == 0, result.stderr
    repo = root / "outputs" / "7-platform"
    written = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file())
    assert written and all(_matches(rel, PARTS[part]) for rel in written), written
    assert {k: v for k, v in tree_hashes(root).items() if not k.startswith("outputs/7-platform")} == before
    first = sorted(written)[0]
    (repo / first).write_text((repo / first).read_text(encoding="utf-8") + "\n<!-- mine -->\n"
                              if first.endswith(".md") else (repo / first).read_text(encoding="utf-8"),
                              encoding="utf-8")
    full = platform(root, template_repo)
    assert full.exit_code == 0, full.stderr
    assert (repo / ".copier-answers.yml").is_file() and (repo / "apps").is_dir()
    if first.endswith(".md"):
        assert (repo / first).read_text(encoding="utf-8").endswith("<!-- mine -->\n")
    assert run_tool(["git", "status", "--porcelain"], cwd=repo).stdout == ""


def test_partial_refuses_a_folder_of_other_files(tmp_path: Path, template_repo: Path) -> None:
    root = make_project(tmp_path / "shop")
    (root / "outputs/7-platform").mkdir(parents=True)
    (root / "outputs/7-platform/notes.txt").write_text("mine\n", encoding="utf-8")
    result = platform(root, template_repo, "infra")
    assert result.exit_code == 2
    assert sorted(p.name for p in (root / "outputs/7-platform").iterdir()) == ["notes.txt"]


def test_asashi_with_force(tmp_path: Path, template_repo: Path) -> None:
    root = copy_fixture("asashi", tmp_path)  # written in Japanese: --lang en for the English assertions
    refused = platform(root, template_repo, lang="en")
    assert refused.exit_code == 2 and "phase 6 (implementation) is not complete" in refused.stderr
    result = platform(root, template_repo, "--force", lang="en")
    assert result.exit_code == 0, result.stderr
    assert "--force: proceeding although phase 6 is incomplete" in result.stderr
    repo = root / "outputs" / "7-platform"
    services = sorted(p.name for p in (repo / "services").iterdir())
    assert len(services) == 7 and "rnd-support-service" in services
    check_repository(repo, services, every_folder=False)
    phase7 = yaml.safe_load((root / "parasol.yaml").read_text())["phases"]["phase7"]
    assert phase7["status"] == "completed" and phase7["name"] == "Platform"


PY_STACK = {"言語": "Python 3.12", "フレームワーク": "FastAPI"}
ASASHI_GUIDES = {
    # service folder: (bounded contexts, tech stack bullets of their phase-6 guides)
    "beer-development-service": (["premium-beer-development", "craft-innovation-development"],
                                 {"言語": "Go 1.22", "フレームワーク": "Gin", "データベース": "PostgreSQL 16",
                                  "API": "REST"}),
    "rnd-support-service": (["sensory-evaluation", "prototype-production"],
                            {"言語": "Kotlin 2.0", "フレームワーク": "Ktor", "API": "REST + gRPC"}),
    "fermentation-research-service": (["fermentation-research"], PY_STACK),
    "spirits-development-service": (["spirits-development"], PY_STACK),
    "beverage-development-service": (["beverage-development"], PY_STACK),
    "process-engineering-service": (["process-engineering"], PY_STACK),
    "ingredient-research-service": (["ingredient-research", "functional-ingredients"], PY_STACK),
}


def test_asashi_docs_describe_the_designed_services(tmp_path: Path, template_repo: Path) -> None:
    """Phase-6 guides for every asashi service complete phase 6; the design documents then carry each service's
    Japanese name, domain type, bounded contexts and tech stack."""
    root = copy_fixture("asashi", tmp_path)
    add_guides(root, {svc: dict.fromkeys(bcs, stack) for svc, (bcs, stack) in ASASHI_GUIDES.items()})
    result = platform(root, template_repo, lang="en")  # the project is Japanese; the assertions are English
    assert result.exit_code == 0, result.stderr
    repo = root / "outputs" / "7-platform"
    infra = (repo / "infrastructure-design.md").read_text(encoding="utf-8")
    catalogue = infra.split("## Service catalogue")[1].split("\n## ")[0]
    rows = {line.split(" | ")[0][2:]: line for line in catalogue.splitlines() if line.startswith("| ")}
    assert sorted(rows) == sorted(["Service", *ASASHI_GUIDES])
    assert rows["beer-development-service"] == (
        "| beer-development-service | Beer Development Service（ビール開発サービス） | Core | "
        "premium-beer-development, craft-innovation-development | "
        "language: Go 1.22; framework: Gin; database: PostgreSQL 16; API: REST |")
    assert rows["rnd-support-service"] == (
        "| rnd-support-service | R&D Support Service（R&D支援サービス） | Supporting | "
        "sensory-evaluation, prototype-production | language: Kotlin 2.0; framework: Ktor; API: REST + gRPC |")
    assert "| process-engineering-service | Process Engineering Service（プロセス技術サービス） | Supporting | " \
           "process-engineering | language: Python 3.12; framework: FastAPI |" in rows["process-engineering-service"]
    strategy = (repo / "deployment-strategy.md").read_text(encoding="utf-8")
    assert "| spirits-development-service | Spirits Development Service（スピリッツ開発サービス） | Core | canary |" \
           in strategy
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text(encoding="utf-8"))
    japanese = {s["name"]: s["japanese_name"] for s in answers["services"]}
    assert japanese["beer-development-service"] == "ビール開発サービス"


def test_display_names_with_yaml_characters_stay_in_markdown(tmp_path: Path, template_repo: Path) -> None:
    """A colon, an ampersand and Japanese in a designed name reach the documents as written; YAML files never
    print them except the answers file, which stays valid YAML that round-trips them."""
    import dataclasses

    name = "Order: Management & Co（受注・出荷）"
    services = [dataclasses.replace(DEFAULT_SERVICES[0], name=name, calls=[]), DEFAULT_SERVICES[2]]
    root = make_project(tmp_path / "shop", services)
    result = platform(root, template_repo)
    assert result.exit_code == 0, result.stderr
    repo = root / "outputs" / "7-platform"
    infra = (repo / "infrastructure-design.md").read_text(encoding="utf-8")
    strategy = (repo / "deployment-strategy.md").read_text(encoding="utf-8")
    assert f"| order-service | {name} | Core | order-taking, fulfilment |" in infra
    assert f"| order-service | {name} | Core | canary |" in strategy
    lint = run_tool([find_tool("yamllint"), "--strict", "."], cwd=repo)
    assert lint.returncode == 0, lint.stdout
    for path in sorted(p for p in repo.rglob("*") if p.suffix in (".yaml", ".yml") and ".git" not in p.parts):
        text = path.read_text(encoding="utf-8")
        if path.name == ".copier-answers.yml":
            answers = yaml.safe_load(text)
            assert [s["display_name"] for s in answers["services"]] == [name, "通知サービス"]
        else:
            assert "Management &" not in text and "通知サービス" not in text, path.relative_to(repo)


def test_suntory_in_japanese(tmp_path: Path, template_repo: Path) -> None:
    root = copy_fixture("suntory", tmp_path)
    add_guides(root, {"customer-platform": {"CRM-CDP": {"言語": "Go 1.22", "フレームワーク": "Gin",
                                                        "データベース": "PostgreSQL 16", "API": "REST"}}})
    result = platform(root, template_repo)
    assert result.exit_code == 0, result.stderr
    assert "✅ フェーズ7（プラットフォーム）を" in result.stdout
    repo = root / "outputs" / "7-platform"
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert answers["docs_language"] == "ja" and len(answers["services"]) == 19
    customer = next(s for s in answers["services"] if s["name"] == "customer-platform")
    assert customer["tech_stack"]["framework"] == "Gin" and customer["cache"] == "redis"
    infra = (repo / "infrastructure-design.md").read_text(encoding="utf-8")
    # phase 5 (bc-001-rd-water-science) filled the tech-stack keys the service boundaries left open
    assert "| rd-platform | R&D Platform Service | Core | RD-WaterScience, RD-Fermentation, RD-HealthFunction, " \
           "RD-Flavor | 言語: Python 3.11+; フレームワーク: FastAPI; データベース: PostgreSQL; API: GraphQL; " \
           "backend: Python + FastAPI; event: Kafka; frontend: Next.js + Type" in infra
    assert "| mkt-beer | Marketing Service (ビール) | Core | MKT-Beer.広告, MKT-Beer.販促, MKT-Beer.チャネル |" in infra
    configmap = yaml.safe_load((repo / "services" / "rd-platform" / "base" / "configmap.yaml").read_text())
    assert "water-source-registered" in configmap["data"]["EVENTS_PUBLISHES"].split(",")
    services = sorted(s["name"] for s in answers["services"])
    check_repository(repo, services, every_folder=False)


def test_same_input_same_bytes(tmp_path: Path, template_repo: Path) -> None:
    first = make_project(tmp_path / "a" / "shop")
    second = make_project(tmp_path / "b" / "shop")
    assert platform(first, template_repo).exit_code == 0
    assert platform(second, template_repo).exit_code == 0
    assert tree_hashes(first / "outputs" / "7-platform") == tree_hashes(second / "outputs" / "7-platform")
    assert (first / "parasol.yaml").read_bytes() == (second / "parasol.yaml").read_bytes()


def test_contaminated_capture_is_cleaned_and_proceeds(tmp_path: Path, template_repo: Path) -> None:
    root = copy_fixture("contaminated", tmp_path)
    capture = (root / "parasol.yaml").read_bytes()
    write_outputs(root, DEFAULT_SERVICES[:2])  # phase-4 definitions and phase-6 guides for two services
    result = platform(root, template_repo)
    assert result.exit_code == 0, result.stderr
    assert "端末出力のキャプチャ" in result.stderr  # settings.language: ja inside the capture is honoured
    assert (root / "parasol.yaml.bak").read_bytes() == capture
    clean = (root / "parasol.yaml").read_text(encoding="utf-8")
    assert "\x1b" not in clean and "│" not in clean
    data = yaml.safe_load(clean)
    assert data["project"]["name"] == "asahi-group" and data["phases"]["phase7"]["status"] == "completed"
    recovered = clean_terminal_capture(capture.decode("utf-8")).text
    head = recovered.split("  phase7:")[0]
    assert clean.startswith(head) and clean.endswith(recovered.split("    status: pending\n")[-1])
    answers = yaml.safe_load((root / "outputs" / "7-platform" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "asahi-group" and answers["docs_language"] == "ja"
    assert sorted(s["name"] for s in answers["services"]) == ["catalog-service", "order-service"]


def test_full_run_after_a_partial_run_merges_cleanly(generated: tuple[Path, str, Any], template_repo: Path,
                                                     tmp_path: Path) -> None:
    root = fresh_copy(generated, tmp_path)
    repo = root / "outputs" / "7-platform"
    _add_service(root)
    assert platform(root, template_repo, "monitoring").exit_code == 0
    sliced = (repo / "services" / "payment-service" / "base" / "servicemonitor.yaml").read_bytes()
    result = platform(root, template_repo)
    assert result.exit_code == 0, result.stderr
    assert (repo / "services" / "payment-service" / "base" / "servicemonitor.yaml").read_bytes() == sliced
    assert (repo / "services" / "payment-service" / "overlays" / "dev" / "kustomization.yaml").is_file()
    assert run_tool(["git", "status", "--porcelain"], cwd=repo).stdout == ""
    leftovers = run_tool(["git", "grep", "-l", "-e", "<<<<<<<", "-e", ">>>>>>>"], cwd=repo)
    assert leftovers.stdout == ""
