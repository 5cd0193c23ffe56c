"""The Copier template's Kubernetes / Argo CD manifests, proven with the real consumers.

Each answer set is rendered once per session with the real Copier API (a dirty working tree is picked up),
then: every kustomization builds with ``kubectl kustomize``; every object validates (kubernetes-validate for
core kinds, the CRD JSON schemas for custom resources); the app-of-apps graph resolves from the root
Application; yamllint passes; workloads are restricted and pinned; AppProjects carry no wildcard.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, find_tool, run_tool
from k8s_checks import kustomize_build, load_objects, restricted_problems, validate_all

ANSWERS_DIR = Path(__file__).parent / "answers"
ANSWER_SETS = ["default", "one-service", "six-mixed-helm-ja", "parasol-helm-traefik"]
REMOTE_BASE = "bootstrap/argo-cd"  # pulls Argo CD from GitHub: never built offline, checked by hand below


def render(dst: Path, data: dict[str, Any]) -> None:
    import copier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DirtyLocalWarning: the working tree is what we test
        copier.run_copy(str(ROOT), str(dst), data=data, defaults=True, vcs_ref="HEAD", quiet=True)


def answers_for(name: str) -> dict[str, Any]:
    if name == "default":
        return {}
    return yaml.safe_load((ANSWERS_DIR / f"{name}.yml").read_text(encoding="utf-8"))


@dataclass
class Rendered:
    name: str
    root: Path
    answers: dict[str, Any]
    builds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def build(self, rel: str) -> list[dict[str, Any]]:
        if rel not in self.builds:
            self.builds[rel] = kustomize_build(self.root / rel)
        return self.builds[rel]

    def kustomization_dirs(self) -> list[str]:
        dirs = sorted(str(p.parent.relative_to(self.root)) for p in self.root.rglob("kustomization.yaml"))
        return [d for d in dirs if d not in (REMOTE_BASE, "bootstrap")]


_cache: dict[str, Rendered] = {}


@pytest.fixture(scope="session", params=ANSWER_SETS)
def repo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    name = request.param
    if name not in _cache:
        dst = tmp_path_factory.mktemp(f"render-{name}") / "repo"
        render(dst, answers_for(name))
        answers = yaml.safe_load((dst / ".copier-answers.yml").read_text(encoding="utf-8"))
        _cache[name] = Rendered(name, dst, answers)
    return _cache[name]


def objects_by_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o.get("kind") == kind]


def env_names(repo: Rendered) -> list[str]:
    return [e["name"] for e in repo.answers["environments"]]


def service_names(repo: Rendered) -> list[str]:
    return [s["name"] for s in repo.answers["services"]]


def namespace_of(repo: Rendered, env: dict[str, Any]) -> str:
    pattern = env.get("namespace") or "{project}-{env}"
    return pattern.replace("{project}", repo.answers["project_name"]).replace("{env}", env["name"])


def is_helm(repo: Rendered) -> bool:
    return repo.answers.get("packaging") == "helm"


# --- builds and schemas -------------------------------------------------------------------------


def test_every_kustomization_builds(repo: Rendered) -> None:
    dirs = repo.kustomization_dirs()
    expected = {f"platform/overlays/{e}" for e in env_names(repo)} | {"apps", "projects", "bootstrap/root"}
    if not is_helm(repo):
        expected |= {f"services/{s}/overlays/{e}" for s in service_names(repo) for e in env_names(repo)}
    assert expected <= set(dirs), sorted(expected - set(dirs))
    for d in dirs:
        assert repo.build(d), f"{d} builds to nothing"


def test_every_built_object_validates_against_its_schema(repo: Rendered) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for d in repo.kustomization_dirs():
        for obj in repo.build(d):
            key = json.dumps(obj, sort_keys=True)
            if key not in seen:
                seen.add(key)
                problems.extend(validate_all([obj]))
    assert len(seen) > 20
    assert not problems, "\n".join(problems)


def test_bootstrap_pins_argo_cd_and_its_local_objects_validate(repo: Rendered) -> None:
    kust = yaml.safe_load((repo.root / REMOTE_BASE / "kustomization.yaml").read_text(encoding="utf-8"))
    version = repo.answers["argocd_version"]
    remote = [r for r in kust["resources"] if r.startswith("https://")]
    assert remote == [f"https://github.com/argoproj/argo-cd//manifests/cluster-install?ref={version}"]
    local = [r for r in kust["resources"] if not r.startswith("https://")]
    local += [p["path"] for p in kust.get("patches", [])]
    objs = [o for f in local for o in load_objects(repo.root / REMOTE_BASE / f)]
    assert {o["kind"] for o in objs} == {"Namespace", "ConfigMap"}
    assert not validate_all(objs)
    top = yaml.safe_load((repo.root / "bootstrap/kustomization.yaml").read_text(encoding="utf-8"))
    assert top["resources"] == ["argo-cd", "root"]


# --- app of apps ------------------------------------------------------------------------------


def _walk_apps(repo: Rendered) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Application reachable from the root, with the folder that produced it."""
    queue = [("bootstrap/root", o) for o in objects_by_kind(repo.build("bootstrap/root"), "Application")]
    seen: set[str] = set()
    while queue:
        where, app = queue.pop(0)
        name = app["metadata"]["name"]
        assert name not in seen, f"Application {name} is reachable twice"
        seen.add(name)
        yield where, app
        path = app["spec"]["source"].get("path")  # a Helm-repository chart (observability layer) has none
        if path and (repo.root / path / "kustomization.yaml").is_file():
            queue += [(path, o) for o in objects_by_kind(repo.build(path), "Application")]


def test_app_of_apps_graph_resolves(repo: Rendered) -> None:
    projects = {o["metadata"]["name"]: o for o in objects_by_kind(repo.build("apps"), "AppProject")}
    projects.update({o["metadata"]["name"]: o for o in objects_by_kind(repo.build("bootstrap/root"), "AppProject")})
    for env in env_names(repo):  # the observability layer's own project sits beside its Applications
        projects.update({o["metadata"]["name"]: o for o in objects_by_kind(repo.build(f"apps/{env}"), "AppProject")})
    apps = list(_walk_apps(repo))
    url = repo.answers["gitops_repo_url"]
    for _, app in apps:
        spec = app["spec"]
        src = spec["source"]
        if "chart" in src:  # logs and traces: a pinned chart version from its Helm repository
            assert re.fullmatch(r"\d+\.\d+\.\d+", src["targetRevision"]), src
            assert src["repoURL"] in projects[spec["project"]]["spec"]["sourceRepos"]
            assert app["metadata"]["labels"]["parasol-gitops.io/layer"] == "observability"
            continue
        assert src["repoURL"] == url
        path = repo.root / src["path"]
        assert path.is_dir(), f"{app['metadata']['name']}: source path {src['path']} does not exist"
        if "helm" in src:
            assert (path / "Chart.yaml").is_file(), f"{src['path']} is not a chart"
            for vf in src["helm"]["valueFiles"]:
                assert (path / vf).is_file(), f"{src['path']}/{vf} missing"
        else:
            assert repo.build(src["path"]), f"{src['path']} builds to nothing"
        project = projects[spec["project"]]["spec"]
        assert url in project["sourceRepos"]
        dest = spec["destination"]
        assert {"server": dest["server"], "namespace": dest["namespace"]} in project["destinations"]
        assert "finalizers" not in app["metadata"], "deleting an Application must not cascade"
    names = {a["metadata"]["name"] for _, a in apps}
    project = repo.answers["project_name"]
    for env in env_names(repo):
        assert f"{project}-{env}" in names and f"{project}-{env}-platform" in names
        for svc in service_names(repo):
            assert f"{project}-{env}-{svc}" in names
        assert {f"{project}-{env}-{layer}" for layer in ("logs", "traces", "telemetry")} <= names
    assert len(names) == 1 + len(env_names(repo)) * (2 + 3 + len(service_names(repo)))


def test_platform_syncs_before_services_and_services_use_the_right_source(repo: Rendered) -> None:
    project = repo.answers["project_name"]
    chart_root = "kubernetes/helm" if repo.answers.get("layout") == "parasol" else "helm"
    for env in env_names(repo):
        apps = {o["metadata"]["name"]: o for o in objects_by_kind(repo.build(f"apps/{env}"), "Application")
                if o["metadata"]["labels"].get("parasol-gitops.io/layer") != "observability"}
        wave = {n: int(a["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]) for n, a in apps.items()}
        platform = apps.pop(f"{project}-{env}-platform")
        assert platform["spec"]["source"]["path"] == f"platform/overlays/{env}"
        for name, app in apps.items():
            svc = name.removeprefix(f"{project}-{env}-")
            assert wave[f"{project}-{env}-platform"] < wave[name]
            src = app["spec"]["source"]
            if is_helm(repo):
                assert src["path"] == f"{chart_root}/{svc}"
                assert src["helm"]["valueFiles"] == [f"values-{env}.yaml"]
            else:
                assert src["path"] == f"services/{svc}/overlays/{env}"
            # The HPA owns replicas at run time: Argo CD must neither report nor revert its changes.
            (ignored,) = app["spec"]["ignoreDifferences"]
            assert ignored["name"] == svc and ignored["jsonPointers"] == ["/spec/replicas"]
            assert "RespectIgnoreDifferences=true" in app["spec"]["syncPolicy"]["syncOptions"]
    root_wave = {o["kind"]: int(o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])
                 for o in repo.build("apps")}
    assert root_wave["AppProject"] < root_wave["Application"]


def test_sync_policy_follows_each_environments_answer(repo: Rendered) -> None:
    project = repo.answers["project_name"]
    for env in repo.answers["environments"]:
        auto = env.get("sync", "auto") == "auto"
        apps = objects_by_kind(repo.build(f"apps/{env['name']}"), "Application")
        apps += [o for o in objects_by_kind(repo.build("apps"), "Application")
                 if o["metadata"]["name"] == f"{project}-{env['name']}"]
        assert len(apps) == len(service_names(repo)) + 2 + 3  # + logs, traces, telemetry
        for app in apps:
            automated = app["spec"]["syncPolicy"].get("automated")
            if auto:
                assert automated == {"prune": True, "selfHeal": True}, app["metadata"]["name"]
            else:
                assert automated is None, app["metadata"]["name"]
    # Every answer set here keeps production manual and the rest automated, so both branches are exercised.
    assert {e.get("sync", "auto") for e in repo.answers["environments"]} == {"auto", "manual"}


def test_appprojects_are_restricted_without_wildcards(repo: Rendered) -> None:
    projects = objects_by_kind(repo.build("projects"), "AppProject") + objects_by_kind(
        repo.build("bootstrap/root"), "AppProject")
    assert len(projects) == len(env_names(repo)) + 1
    assert "*" not in json.dumps([p["spec"] for p in projects])
    url = repo.answers["gitops_repo_url"]
    for env in repo.answers["environments"]:
        proj = next(p for p in projects if p["metadata"]["name"] == f"{repo.answers['project_name']}-{env['name']}")
        spec = proj["spec"]
        assert spec["sourceRepos"] == [url]
        namespaces = {d["namespace"] for d in spec["destinations"]}
        assert namespace_of(repo, env) in namespaces and namespaces <= {namespace_of(repo, env), "velero"}
        assert {d["server"] for d in spec["destinations"]} == {env.get("cluster") or "https://kubernetes.default.svc"}
        cluster_kinds = {c["kind"] for c in spec["clusterResourceWhitelist"]}
        assert cluster_kinds <= {"Namespace", "ClusterSecretStore"}
        # Every kind the environment's own builds produce is whitelisted, and nothing beyond what is needed.
        built = repo.build(f"platform/overlays/{env['name']}")
        if not is_helm(repo):
            for svc in service_names(repo):
                built = built + repo.build(f"services/{svc}/overlays/{env['name']}")
        allowed = {(c["group"], c["kind"]) for c in spec["namespaceResourceWhitelist"]}
        used = {(o["apiVersion"].rpartition("/")[0], o["kind"]) for o in built if "namespace" in o["metadata"]}
        assert used <= allowed, used - allowed
        assert (cluster_kinds == {o["kind"] for o in built if "namespace" not in o["metadata"]})


# --- services ---------------------------------------------------------------------------------


def _service_overlays(repo: Rendered) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    for svc in repo.answers["services"]:
        for env in repo.answers["environments"]:
            yield svc["name"], env, repo.build(f"services/{svc['name']}/overlays/{env['name']}")


def test_workloads_are_restricted_pinned_and_probed(repo: Rendered) -> None:
    dirs = [d for d in repo.kustomization_dirs() if d.startswith(("services/", "kubernetes/"))]
    if is_helm(repo):
        assert not (repo.root / "services").exists(), "helm packaging must not leave a second copy in services/"
        return
    workloads = [o for d in dirs for o in repo.build(d) if o["kind"] in ("Deployment", "Rollout")]
    assert len(workloads) >= len(service_names(repo)) * len(env_names(repo))
    problems = [p for w in workloads for p in restricted_problems(w)]
    assert not problems, "\n".join(problems)
    for w in workloads:
        assert w["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":0.1.0")


def test_overlays_set_namespace_image_replicas_resources_and_hpa_per_environment(repo: Rendered) -> None:
    if is_helm(repo):  # services are charts (the Helm tests render them); no kustomize copy may exist
        assert not (repo.root / "services").exists()
        return
    strategies = {s["name"]: s.get("strategy", "rolling") for s in repo.answers["services"]}
    databases = {s["name"]: s.get("database", "none") for s in repo.answers["services"]}
    for svc, env, objs in _service_overlays(repo):
        ns = namespace_of(repo, env)
        assert {o["metadata"].get("namespace") for o in objs} == {ns}
        kinds = sorted(o["kind"] for o in objs)
        workload = "Deployment" if strategies[svc] == "rolling" else "Rollout"
        route = "HTTPRoute" if repo.answers.get("ingress_class") == "gateway-api" else "Ingress"
        expected_services = 1 if strategies[svc] == "rolling" else 2
        # a service with a database migrates its schema in a PreSync hook Job
        migration = ["Job"] if databases[svc] == "postgresql" else []
        assert kinds == sorted(["ConfigMap", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget",
                                "ServiceAccount", "ServiceMonitor", workload, route] + ["Service"] * expected_services
                               + migration)
        wl = next(o for o in objs if o["kind"] == workload)
        hpa = next(o for o in objs if o["kind"] == "HorizontalPodAutoscaler")
        answered = next(s for s in repo.answers["services"] if s["name"] == svc).get("replicas", {}).get(env["name"])
        if answered is not None and env.get("tier") != "production":
            assert wl["spec"]["replicas"] == answered
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= 100
        assert wl["spec"]["replicas"] == hpa["spec"]["minReplicas"]
        cfg = next(o for o in objs if o["kind"] == "ConfigMap")
        assert cfg["data"]["APP_ENV"] == env["name"]
        kust = yaml.safe_load((repo.root / f"services/{svc}/overlays/{env['name']}/kustomization.yaml").read_text())
        (image,) = kust["images"]
        assert image["newTag"] == "0.1.0" and image["name"] in wl["spec"]["template"]["spec"]["containers"][0]["image"]
        if route == "Ingress":
            host = next(o for o in objs if o["kind"] == "Ingress")["spec"]["rules"][0]["host"]
        else:
            host = next(o for o in objs if o["kind"] == "HTTPRoute")["spec"]["hostnames"][0]
        assert host == f"{env['name']}.{repo.answers['base_domain']}"


# --- platform -----------------------------------------------------------------------------------


def test_namespaces_are_restricted_guarded_and_deletion_safe(repo: Rendered) -> None:
    for env in repo.answers["environments"]:
        objs = repo.build(f"platform/overlays/{env['name']}")
        ns = namespace_of(repo, env)
        (namespace,) = objects_by_kind(objs, "Namespace")
        assert namespace["metadata"]["name"] == ns
        labels = namespace["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
        assert namespace["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == "Prune=confirm"
        (quota,) = objects_by_kind(objs, "ResourceQuota")
        (limits,) = objects_by_kind(objs, "LimitRange")
        assert quota["metadata"]["namespace"] == limits["metadata"]["namespace"] == ns
        deny = [p for p in objects_by_kind(objs, "NetworkPolicy")
                if p["spec"]["podSelector"] == {} and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
                and not p["spec"].get("ingress") and not p["spec"].get("egress")]
        assert len(deny) == 1
        dns = [p for p in objects_by_kind(objs, "NetworkPolicy") if p["metadata"]["name"] == "allow-dns"]
        assert dns and {port["port"] for port in dns[0]["spec"]["egress"][0]["ports"]} == {53}
        assert not objects_by_kind(objs, "Secret"), "no plaintext Secret anywhere"


def _quantity(q: str) -> float:
    units = {"m": 0.001, "Mi": 1, "Gi": 1024}
    for suffix, factor in units.items():
        if q.endswith(suffix):
            return float(q[: -len(suffix)]) * factor
    return float(q)


def test_resource_quota_fits_every_service_at_its_hpa_maximum(repo: Rendered) -> None:
    if is_helm(repo):
        assert (repo.root / "apps").is_dir()  # quota sizing is the same model; the charts are tested elsewhere
        return
    for env in repo.answers["environments"]:
        quota = objects_by_kind(repo.build(f"platform/overlays/{env['name']}"), "ResourceQuota")[0]["spec"]["hard"]
        need = {"limits.cpu": 0.0, "limits.memory": 0.0, "pods": 0.0}
        for svc in service_names(repo):
            objs = repo.build(f"services/{svc}/overlays/{env['name']}")
            hpa = objects_by_kind(objs, "HorizontalPodAutoscaler")[0]["spec"]["maxReplicas"]
            wl = next(o for o in objs if o["kind"] in ("Deployment", "Rollout"))
            lim = wl["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
            need["limits.cpu"] += hpa * _quantity(lim["cpu"])
            need["limits.memory"] += hpa * _quantity(lim["memory"])
            need["pods"] += hpa
        for key, value in need.items():
            assert _quantity(str(quota[key])) >= value, (env["name"], key)


def test_monitoring_alerts_dashboards_and_analysis_per_service(repo: Rendered) -> None:
    for env in repo.answers["environments"]:
        objs = repo.build(f"platform/overlays/{env['name']}")
        assert repo.build(f"platform/monitoring/{env['name']}") , "monitoring builds on its own"
        (rule,) = objects_by_kind(objs, "PrometheusRule")
        groups = {g["name"]: g["rules"] for g in rule["spec"]["groups"]}
        for svc in service_names(repo):
            alerts = {r["alert"]: r for r in groups[f"{svc}.rules"] if "alert" in r}
            assert set(alerts) == {"HighErrorRate", "HighLatency", "PodRestartingTooFrequently",
                                   "SLOErrorBudgetBurnFast", "SLOErrorBudgetBurnSlow"}
            assert alerts["HighErrorRate"]["labels"]["severity"] == "critical"
            assert alerts["HighErrorRate"]["expr"].rstrip().endswith("> 0.05")
            assert alerts["HighLatency"]["labels"]["severity"] == "warning"
            assert "histogram_quantile(0.95" in alerts["HighLatency"]["expr"]
            assert alerts["HighLatency"]["expr"].rstrip().endswith("> 1")
            assert "14.4 * 0.001" in alerts["SLOErrorBudgetBurnFast"]["expr"]
            assert f'service="{svc}"' in alerts["HighErrorRate"]["expr"]
        dashboards = [o for o in objects_by_kind(objs, "ConfigMap") if o["metadata"]["labels"].get("grafana_dashboard")]
        keys = sorted(k for d in dashboards for k in d["data"])
        assert keys == ["business-metrics.json", "resource-utilisation.json", "service-overview.json", "sli-slo.json"]
        for d in dashboards:
            for text in d["data"].values():
                board = json.loads(text)
                assert board["panels"] and board["uid"] and len(board["uid"]) <= 40
        overview = next(d for d in dashboards if "service-overview.json" in d["data"])["data"]["service-overview.json"]
        for svc in service_names(repo):
            assert f'service=\\"{svc}\\"' in overview
        templates = {t["metadata"]["name"]: t for t in objects_by_kind(objs, "AnalysisTemplate")}
        error_rate = templates["error-rate"]["spec"]
        assert error_rate["metrics"][0]["successCondition"].endswith("<= {{args.max-error-rate}}")
        assert {"name": "max-error-rate", "value": "0.05"} in error_rate["args"]  # each Rollout passes its SLO's
        assert templates["latency-vs-baseline"]["spec"]["metrics"][0]["successCondition"].endswith("<= 2")
        if not is_helm(repo):
            for svc in service_names(repo):
                for o in repo.build(f"services/{svc}/overlays/{env['name']}"):
                    if o["kind"] == "Rollout":
                        strategy = o["spec"]["strategy"]
                        analysis = strategy.get("canary", {}).get("analysis") or strategy["blueGreen"][
                            "prePromotionAnalysis"]
                        assert {t["templateName"] for t in analysis["templates"]} == set(templates)


def test_backups_meet_the_rpo_for_namespaces_with_state(repo: Rendered) -> None:
    stateful = any(s.get("database", "none") != "none" or s.get("cache", "none") != "none"
                   for s in repo.answers["services"])
    rpo = repo.answers["rpo_hours"]
    for env in repo.answers["environments"]:
        schedules = objects_by_kind(repo.build(f"platform/overlays/{env['name']}"), "Schedule")
        if not stateful:
            assert schedules == []
            continue
        assert len(schedules) == (2 if rpo < 24 else 1)
        for s in schedules:
            assert s["metadata"]["namespace"] == "velero"
            assert s["spec"]["template"]["includedNamespaces"] == [namespace_of(repo, env)]
        crons = sorted(s["spec"]["schedule"] for s in schedules)
        assert "0 3 * * *" in crons
        if rpo < 24:
            assert f"0 */{rpo} * * *" in crons


def test_secrets_come_from_the_chosen_backend_one_per_service(repo: Rendered) -> None:
    backend = repo.answers["secrets_backend"]
    for env in repo.answers["environments"]:
        objs = repo.build(f"platform/overlays/{env['name']}")
        if backend == "external-secrets":
            (store,) = objects_by_kind(objs, "ClusterSecretStore")
            assert store["spec"]["conditions"] == [{"namespaces": [namespace_of(repo, env)]}]
            secrets = objects_by_kind(objs, "ExternalSecret")
            assert all(s["spec"]["secretStoreRef"]["name"] == store["metadata"]["name"] for s in secrets)
        else:
            assert not objects_by_kind(objs, "ClusterSecretStore")
            secrets = objects_by_kind(objs, "SealedSecret")
        # plus, for CloudNativePG, each database's owner and backup-store credentials
        cnpg = [s["name"] for s in repo.answers["services"] if s.get("database") == "postgresql"
                and repo.answers.get("database_provider", "cloudnative-pg") == "cloudnative-pg"]
        db_secrets = [f"{n}-db{part}" for n in cnpg for part in ("-credentials", "-backup-credentials")]
        assert sorted(s["metadata"]["name"] for s in secrets) == sorted(
            [f"{n}-secrets" for n in service_names(repo)] + db_secrets)
        for svc in repo.answers["services"]:
            if backend == "external-secrets" and svc.get("database") == "postgresql":
                es = next(s for s in secrets if s["metadata"]["name"] == f"{svc['name']}-secrets")
                assert "DATABASE_URL" in [d["secretKey"] for d in es["spec"]["data"]]


def test_no_plaintext_secret_and_no_latest_image_in_any_file(repo: Rendered) -> None:
    for path in repo.root.rglob("*.yaml"):
        if "templates" in path.parts:
            continue  # Helm templates are not YAML before rendering
        for doc in load_objects(path):
            if isinstance(doc, dict):
                assert not (doc.get("kind") == "Secret" and (doc.get("data") or doc.get("stringData"))), path
        assert not re.search(r"image:\s*\S+:latest\b", path.read_text(encoding="utf-8")), path


def test_parasol_layout_views_aggregate_services_and_platform(repo: Rendered) -> None:
    views = repo.root / "kubernetes"
    if repo.answers.get("layout") != "parasol":
        assert not (views / "overlays").exists() and not (views / "base").exists()
        return
    for env in env_names(repo):
        built = repo.build(f"kubernetes/overlays/{env}")
        direct = repo.build(f"platform/overlays/{env}")
        if not is_helm(repo):
            direct = direct + [o for s in service_names(repo) for o in repo.build(f"services/{s}/overlays/{env}")]
        key = lambda o: (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])  # noqa: E731
        assert sorted(map(key, built)) == sorted(map(key, direct))
    if not is_helm(repo):
        names = {o["metadata"]["name"] for o in repo.build("kubernetes/base") if o["kind"] == "ServiceAccount"}
        assert names == set(service_names(repo))


def test_yamllint_passes_on_the_generated_repository(repo: Rendered) -> None:
    yamllint = find_tool("yamllint")
    assert (repo.root / ".yamllint").is_file()
    proc = run_tool([yamllint, "--strict", "."], cwd=repo.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- answers ------------------------------------------------------------------------------------


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    data = answers_for("one-service")
    render(tmp_path / "a", data)
    render(tmp_path / "b", data)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        a, b = ((tmp_path / side / rel).read_bytes() for side in ("a", "b"))
        if rel == Path(".copier-answers.yml"):  # _commit names a throw-away commit when the tree is dirty
            a, b = (re.sub(rb"(?m)^_commit: .*$", b"", x) for x in (a, b))
        assert a == b, rel


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ([{"name": "Orders_API"}], "is not a DNS-1123 label"),
        ([{"name": "orders"}, {"name": "orders"}], "duplicate service name 'orders'"),
        ([], "the service list is empty"),
        ([{"name": "orders", "strategy": "big-bang"}], "unknown strategy 'big-bang'"),
        ([{"name": "orders", "calls": ["billing"]}], "calls unknown service 'billing'"),
        ([{"name": "orders", "calls": ["orders"]}], "service 'orders' calls itself"),
        ([{"name": "orders", "calls": ["ledger", "ledger"]}, {"name": "ledger"}], "lists 'ledger' twice in calls"),
        ([{"name": "platform"}], "is reserved"),
    ],
)
def test_copier_rejects_bad_services_and_writes_nothing(tmp_path: Path, services: list[Any], message: str) -> None:
    dst = tmp_path / "out"
    with pytest.raises(ValueError, match=re.escape(message)):
        render(dst, {"services": services})
    assert not dst.exists() or not any(dst.iterdir())


def test_copier_rejects_a_bad_project_name_and_writes_nothing(tmp_path: Path) -> None:
    dst = tmp_path / "out"
    with pytest.raises(ValueError, match="is not a DNS-1123 label"):
        render(dst, {"project_name": "My Shop"})
    assert not dst.exists()



@pytest.mark.parametrize(
    ("environments", "message"),
    [
        ([], "at least one environment is needed"),
        ([{"name": "dev"}, {"name": "dev"}], "is not a DNS-1123 label or is duplicated"),
        ([{"name": "dev", "sync": "sometimes"}], "must be auto or manual"),
        ([{"name": "dev", "namespace": "{project}_{env}"}], "does not give a DNS-1123 label"),
        ([{"name": "dev", "cluster": "http://k8s.example.com"}], "must be an https:// API server URL"),
    ],
)
def test_copier_rejects_bad_environments_and_writes_nothing(tmp_path: Path, environments: list[Any],
                                                              message: str) -> None:
    dst = tmp_path / "out"
    with pytest.raises(ValueError, match=re.escape(message)):
        render(dst, {"environments": environments})
    assert not dst.exists()
