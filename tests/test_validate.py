"""`parasol-gitops validate` on small hand-built repositories: every check has a failing and a passing fixture.

The passing fixture for every policy is the clean repository of ``repo_builders.write_repo`` (asserted to give
exit 0 and no error or warning); each failing fixture breaks one thing and must produce exactly that check id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CRD_SCHEMAS, find_tool, run_cli
from repo_builders import edit_yaml, kustomization, ns, write, write_repo

Mutation = Callable[[Path], None]


def validate(repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    res = run_cli("validate", str(repo), "--format", "json", "--schema-location", str(CRD_SCHEMAS), *extra)
    assert res.exit_code in (0, 1), res.stderr
    return res.exit_code, json.loads(res.stdout)


def ids(data: dict[str, Any], severity: str = "error") -> set[str]:
    return {f["id"] for f in data["findings"] if f["severity"] == severity}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    find_tool("kubectl")
    return write_repo(tmp_path / "repo", envs=("dev", "production"))


def test_clean_repository_passes_every_check(repo: Path) -> None:
    code, data = validate(repo)
    assert code == 0
    assert ids(data) == set() and ids(data, "warning") == set()
    assert data["stats"]["schema_failed"] == 0 and data["stats"]["schema_skipped"] == 0
    assert data["stats"]["schema_passed"] == data["stats"]["objects"] > 30
    assert data["graph"]["roots"] == ["root"]
    assert sorted(data["graph"]["deployed"]) == ["catalog/dev", "catalog/production", "orders/dev",
                                                  "orders/production"]


# ---- one mutation per check: (name, mutation, expected id) ---------------------------------------------
def _deploy(repo: Path, svc: str = "orders") -> Path:
    return repo / f"services/{svc}/base/deployment.yaml"


def _container(docs: list[Any]) -> dict[str, Any]:
    return docs[0]["spec"]["template"]["spec"]["containers"][0]


def _drop_resource(rel: str, name: str) -> Mutation:
    def change(repo: Path) -> None:
        edit_yaml(repo / rel, lambda d: d[0]["resources"].remove(name))
    return change


def no_security_context(repo: Path) -> None:
    def change(d: list[Any]) -> None:
        d[0]["spec"]["template"]["spec"].pop("securityContext")
        _container(d).pop("securityContext")
    edit_yaml(_deploy(repo), change)


def privileged(repo: Path) -> None:
    edit_yaml(_deploy(repo), lambda d: _container(d)["securityContext"].update(privileged=True))


def writable_root(repo: Path) -> None:
    edit_yaml(_deploy(repo), lambda d: _container(d)["securityContext"].pop("readOnlyRootFilesystem"))


def no_limits(repo: Path) -> None:
    edit_yaml(_deploy(repo), lambda d: _container(d)["resources"].pop("limits"))


def no_probes(repo: Path) -> None:
    edit_yaml(_deploy(repo), lambda d: _container(d).pop("readinessProbe"))


def latest_image(repo: Path) -> None:
    edit_yaml(repo / "services/orders/overlays/dev/kustomization.yaml",
              lambda d: d[0]["images"][0].update(newTag="latest"))


def untagged_image(repo: Path) -> None:
    edit_yaml(repo / "services/orders/overlays/dev/kustomization.yaml", lambda d: d[0].pop("images"))


def wildcard_project(repo: Path) -> None:
    edit_yaml(repo / "projects/dev.yaml", lambda d: d[0]["spec"].update(sourceRepos=["*"]))


def wildcard_cluster_kinds(repo: Path) -> None:
    edit_yaml(repo / "projects/dev.yaml",
              lambda d: d[0]["spec"].update(clusterResourceWhitelist=[{"group": "*", "kind": "*"}]))


def plaintext_secret(repo: Path) -> None:
    write(repo, "services/orders/base/secret.yaml",
          {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": "x"}})
    edit_yaml(repo / "services/orders/base/kustomization.yaml", lambda d: d[0]["resources"].append("secret.yaml"))


def secret_generator(repo: Path) -> None:
    edit_yaml(repo / "services/orders/overlays/dev/kustomization.yaml",
              lambda d: d[0].update(secretGenerator=[{"name": "db", "literals": ["password=x"]}]))


def hpa_inverted(repo: Path) -> None:
    edit_yaml(repo / "services/orders/base/hpa.yaml", lambda d: d[0]["spec"].update(minReplicas=5, maxReplicas=3))


def hpa_unbounded(repo: Path) -> None:
    edit_yaml(repo / "services/orders/base/hpa.yaml", lambda d: d[0]["spec"].update(maxReplicas=500))


def no_default_deny(repo: Path) -> None:
    edit_yaml(repo / "platform/overlays/dev/kustomization.yaml",
              lambda d: d[0]["resources"].remove("default-deny.yaml"))


def allow_all_policy(repo: Path) -> None:
    edit_yaml(repo / "platform/overlays/dev/default-deny.yaml", lambda d: d[0]["spec"].update(ingress=[{}]))


def no_pdb(repo: Path) -> None:
    _drop_resource("services/orders/base/kustomization.yaml", "pdb.yaml")(repo)


def no_alerts(repo: Path) -> None:
    for env in ("dev", "production"):
        edit_yaml(repo / f"platform/overlays/{env}/rules.yaml",
                  lambda d: d[0]["spec"].update(groups=[g for g in d[0]["spec"]["groups"] if g["name"] != "orders"]))


def no_dashboard(repo: Path) -> None:
    for env in ("dev", "production"):
        edit_yaml(repo / f"platform/overlays/{env}/dashboards.yaml",
                  lambda d: d[0]["data"].update({"overview.json": '{"title": "catalog only", "service": "catalog"}'}))


def no_servicemonitor(repo: Path) -> None:
    _drop_resource("services/orders/base/kustomization.yaml", "servicemonitor.yaml")(repo)


def pvc_without_backup(repo: Path) -> None:
    write(repo, "services/orders/base/pvc.yaml", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    edit_yaml(repo / "services/orders/base/kustomization.yaml", lambda d: d[0]["resources"].append("pvc.yaml"))
    edit_yaml(repo / "platform/overlays/dev/backup.yaml",
              lambda d: d[0]["spec"]["template"].update(includedNamespaces=["other"]))


def canary_without_analysis(repo: Path) -> None:
    def change(d: list[Any]) -> None:
        d[0]["apiVersion"] = "argoproj.io/v1alpha1"
        d[0]["kind"] = "Rollout"
        d[0]["spec"]["strategy"] = {"canary": {"steps": [{"setWeight": 20}, {"pause": {"duration": "1m"}}]}}
    edit_yaml(_deploy(repo), change)
    edit_yaml(repo / "services/orders/base/hpa.yaml",
              lambda d: d[0]["spec"]["scaleTargetRef"].update(apiVersion="argoproj.io/v1alpha1", kind="Rollout"))


def canary_missing_template(repo: Path) -> None:
    canary_without_analysis(repo)
    edit_yaml(_deploy(repo), lambda d: d[0]["spec"]["strategy"]["canary"].update(
        analysis={"templates": [{"templateName": "error-rate"}]}))


def blue_green_without_analysis(repo: Path) -> None:
    canary_without_analysis(repo)
    edit_yaml(_deploy(repo), lambda d: d[0]["spec"].update(
        strategy={"blueGreen": {"activeService": "orders", "previewService": "orders-preview"}}))


def missing_overlay(repo: Path) -> None:
    import shutil
    shutil.rmtree(repo / "services/catalog/overlays/dev")


def broken_build(repo: Path) -> None:
    edit_yaml(repo / "services/orders/overlays/dev/kustomization.yaml",
              lambda d: d[0]["resources"].append("missing.yaml"))


def unknown_project(repo: Path) -> None:
    edit_yaml(repo / "apps/platform-dev.yaml", lambda d: d[0]["spec"].update(project="nope"))


def destination_outside_project(repo: Path) -> None:
    edit_yaml(repo / "apps/platform-dev.yaml", lambda d: d[0]["spec"]["destination"].update(namespace="kube-system"))


def foreign_repo(repo: Path) -> None:
    edit_yaml(repo / "projects/dev.yaml", lambda d: d[0]["spec"].update(sourceRepos=["https://github.com/x/y.git"]))


def env_missing(repo: Path) -> None:
    edit_yaml(repo / "apps/services-production.yaml",
              lambda d: d[0]["spec"]["generators"][0]["list"].update(elements=[{"service": "catalog"}]))


def orphan_service(repo: Path) -> None:
    write(repo, "services/legacy/base/kustomization.yaml", kustomization(["cm.yaml"]))
    write(repo, "services/legacy/base/cm.yaml", {"apiVersion": "v1", "kind": "ConfigMap",
                                                 "metadata": {"name": "legacy"}, "data": {"a": "b"}})


def core_schema_error(repo: Path) -> None:
    edit_yaml(_deploy(repo), lambda d: d[0]["spec"].update(replicas="two"))


def crd_schema_error(repo: Path) -> None:
    edit_yaml(repo / "services/orders/base/servicemonitor.yaml", lambda d: d[0]["spec"].update(endpoints="http"))


def unknown_field(repo: Path) -> None:
    edit_yaml(_deploy(repo), lambda d: _container(d).update(imagePullPolice="Always"))


CASES: list[tuple[Mutation, str, str]] = [
    (no_security_context, "PGO-POD-SECURITY", "error"),
    (privileged, "PGO-POD-SECURITY", "error"),
    (writable_root, "PGO-READONLY-ROOTFS", "warning"),
    (no_limits, "PGO-RESOURCES", "error"),
    (no_probes, "PGO-PROBES", "error"),
    (latest_image, "PGO-IMAGE-TAG", "error"),
    (untagged_image, "PGO-IMAGE-TAG", "error"),
    (wildcard_project, "PGO-PROJECT-WILDCARD", "error"),
    (wildcard_cluster_kinds, "PGO-PROJECT-WILDCARD", "error"),
    (plaintext_secret, "PGO-SECRET-PLAINTEXT", "error"),
    (secret_generator, "PGO-SECRET-PLAINTEXT", "error"),
    (hpa_inverted, "PGO-HPA-BOUNDS", "error"),
    (hpa_unbounded, "PGO-HPA-BOUNDS", "error"),
    (no_default_deny, "PGO-NETPOL-DEFAULT-DENY", "error"),
    (allow_all_policy, "PGO-NETPOL-DEFAULT-DENY", "error"),
    (no_pdb, "PGO-PDB", "error"),
    (no_alerts, "PGO-SERVICE-ALERTS", "error"),
    (no_dashboard, "PGO-SERVICE-DASHBOARD", "error"),
    (no_servicemonitor, "PGO-SERVICE-MONITOR", "warning"),
    (pvc_without_backup, "PGO-BACKUP", "error"),
    (canary_without_analysis, "PGO-ROLLOUT-ANALYSIS", "error"),
    (canary_missing_template, "PGO-ROLLOUT-ANALYSIS", "error"),
    (blue_green_without_analysis, "PGO-ROLLOUT-ANALYSIS", "error"),
    (missing_overlay, "PGO-APP-PATH", "error"),
    (broken_build, "PGO-BUILD", "error"),
    (unknown_project, "PGO-APP-PROJECT", "error"),
    (destination_outside_project, "PGO-APP-DESTINATION", "error"),
    (foreign_repo, "PGO-APP-SOURCE-REPO", "error"),
    (env_missing, "PGO-APP-ENV-MISSING", "error"),
    (orphan_service, "PGO-APP-ORPHAN", "error"),
    (core_schema_error, "PGO-SCHEMA", "error"),
    (crd_schema_error, "PGO-SCHEMA", "error"),
    (unknown_field, "PGO-SCHEMA", "error"),
]


@pytest.mark.parametrize(("mutate", "check_id", "severity"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_check_fires_on_its_broken_fixture(repo: Path, mutate: Mutation, check_id: str, severity: str) -> None:
    mutate(repo)
    code, data = validate(repo)
    assert check_id in ids(data, severity), data["findings"]
    assert code == (1 if severity == "error" else 0)
    hits = [f for f in data["findings"] if f["id"] == check_id]
    assert all(f["hint"] and f["message"] for f in hits)


def test_the_four_broken_repositories_of_the_issue_exit_1_with_their_id(repo: Path, tmp_path: Path) -> None:
    for mutate, check_id in ((missing_overlay, "PGO-APP-PATH"), (wildcard_project, "PGO-PROJECT-WILDCARD"),
                             (latest_image, "PGO-IMAGE-TAG"), (no_security_context, "PGO-POD-SECURITY")):
        broken = write_repo(tmp_path / check_id, envs=("dev",))
        mutate(broken)
        res = run_cli("validate", str(broken), "--schema-location", str(CRD_SCHEMAS))
        assert res.exit_code == 1
        assert check_id in res.stdout
        # the summary is the result: once, on stdout (issue 14), not repeated on stderr
        assert res.stdout.count("FAILED: ") == 1 and "FAILED" not in res.stderr and "Traceback" not in res.stderr


def test_canary_with_analysis_and_template_passes(repo: Path) -> None:
    canary_missing_template(repo)
    write(repo, "services/orders/base/analysis.yaml", {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate", "metadata": {"name": "error-rate"},
        "spec": {"metrics": [{"name": "error-rate", "successCondition": "result[0] < 0.05",
                              "provider": {"prometheus": {"address": "http://prometheus:9090",
                                                          "query": "sum(rate(x[5m]))"}}}]}})
    edit_yaml(repo / "services/orders/base/kustomization.yaml", lambda d: d[0]["resources"].append("analysis.yaml"))
    code, data = validate(repo)
    assert code == 0, data["findings"]
    assert "PGO-ROLLOUT-ANALYSIS" not in ids(data)


def test_state_covered_by_a_schedule_passes(repo: Path) -> None:
    pvc_without_backup(repo)
    edit_yaml(repo / "platform/overlays/dev/backup.yaml",
              lambda d: d[0]["spec"]["template"].update(includedNamespaces=[ns("dev")]))
    code, data = validate(repo)
    assert code == 0 and "PGO-BACKUP" not in ids(data)


def test_without_schema_location_custom_resources_are_skipped_never_passed(repo: Path) -> None:
    res = run_cli("validate", str(repo), "--format", "json")
    data = json.loads(res.stdout)
    assert data["stats"]["schema_skipped"] > 0
    assert "monitoring.coreos.com/v1/ServiceMonitor" in data["stats"]["skipped_kinds"]
    assert data["stats"]["schema_passed"] + data["stats"]["schema_skipped"] == data["stats"]["objects"]
    assert "PGO-SCHEMA-MISSING" in ids(data, "info")


def test_schema_location_template_and_url_are_equivalent_to_the_folder(repo: Path, tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    crd_schema_error(repo)
    template = f"{CRD_SCHEMAS}/{{{{.Group}}}}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json"
    _, by_folder = validate(repo)
    res = run_cli("validate", str(repo), "--format", "json", "--schema-location", template)
    by_template = json.loads(res.stdout)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(CRD_SCHEMAS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{{{{.Group}}}}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json"
        cache = tmp_path / "cache"
        res = run_cli("validate", str(repo), "--format", "json", "--schema-location", url,
                      env={"XDG_CACHE_HOME": str(cache)})
    finally:
        server.shutdown()
    by_url = json.loads(res.stdout)
    assert by_folder["findings"] == by_template["findings"] == by_url["findings"]
    assert by_folder["stats"]["schema_skipped"] == by_url["stats"]["schema_skipped"] == 0
    assert len(list((cache / "parasol-gitops" / "schemas").glob("*.json"))) >= 3  # fetched schemas are cached


def test_json_output_is_byte_identical_across_runs(repo: Path) -> None:
    latest_image(repo)
    first = run_cli("validate", str(repo), "--format", "json", "--schema-location", str(CRD_SCHEMAS)).stdout
    second = run_cli("validate", str(repo), "--format", "json", "--schema-location", str(CRD_SCHEMAS)).stdout
    assert first == second
    findings = json.loads(first)["findings"]
    assert findings == sorted(findings, key=lambda f: (["error", "warning", "info"].index(f["severity"]), f["id"],
                                                       f["where"], f["object"], f["message"]))


def test_text_output_groups_by_severity_with_fix_hints(repo: Path) -> None:
    latest_image(repo)
    writable_root(repo)
    out = run_cli("validate", str(repo), "--schema-location", str(CRD_SCHEMAS)).stdout
    assert out.index("ERRORS (") < out.index("WARNINGS (") < out.index("INFO (")
    assert "ID" in out and "WHERE" in out and "MESSAGE" in out
    assert "PGO-IMAGE-TAG: pin a version tag" in out
    assert out.rstrip().splitlines()[-1].startswith("FAILED: ")
    ja = run_cli("--lang", "ja", "validate", str(repo), "--schema-location", str(CRD_SCHEMAS)).stdout
    assert "エラー (" in ja and "失敗:" in ja


def test_progress_goes_to_stderr_on_long_runs(tmp_path: Path) -> None:
    find_tool("kubectl")
    big = write_repo(tmp_path / "big", services=[f"svc{i}" for i in range(12)], envs=("dev", "production"))
    res = run_cli("validate", str(big), "--schema-location", str(CRD_SCHEMAS))
    assert res.exit_code == 0, res.stdout
    assert "building " in res.stderr and "/" in res.stderr
    assert "building " not in res.stdout


def test_plain_directory_apps_and_git_generator_are_followed(repo: Path) -> None:
    (repo / "apps/kustomization.yaml").unlink()  # apps/ becomes an Argo CD directory source
    for env in ("dev", "production"):
        edit_yaml(repo / f"apps/services-{env}.yaml", lambda d, env=env: d[0]["spec"].update(
            generators=[{"git": {"repoURL": "https://github.com/example/platform-gitops.git", "revision": "main",
                                 "directories": [{"path": f"services/*/overlays/{env}"}]}}],
            template={**d[0]["spec"]["template"], "metadata": {"name": "{{.path[1]}}-" + env}}))
        edit_yaml(repo / f"apps/services-{env}.yaml", lambda d: d[0]["spec"]["template"]["spec"]["source"].update(
            path="{{.path.path}}"))
    code, data = validate(repo)
    assert code == 0, data["findings"]
    assert data["graph"]["roots"] == ["root"]
    assert data["graph"]["deployed"]["orders/production"] == ["orders-production"]


def test_git_files_and_merge_generators_are_expanded(repo: Path) -> None:
    """One config file per service and environment (Argo CD's git files generator), merged by service with a
    list that moves one service to another team; an excluded file deploys nothing."""
    envs = sorted({p.stem.removeprefix("services-") for p in (repo / "apps").glob("services-*.yaml")})
    assert len(envs) >= 2
    for env in envs:
        for svc in ("orders", "catalog"):
            write(repo, f"deploy/{env}/{svc}.yaml", {"service": svc, "env": env, "team": "core"})
        write(repo, f"deploy/{env}/legacy.yaml", {"service": "legacy", "env": env, "team": "core"})
        files = {"git": {"repoURL": "https://github.com/example/platform-gitops.git", "revision": "main",
                         "files": [{"path": f"deploy/{env}/*.yaml"},
                                   {"path": f"deploy/{env}/legacy.yaml", "exclude": True}]}}
        shop = {"list": {"elements": [{"service": "orders", "team": "shop"}]}}
        edit_yaml(repo / f"apps/services-{env}.yaml", lambda d, files=files, shop=shop: d[0]["spec"].update(
            generators=[{"merge": {"mergeKeys": ["service"], "generators": [files, shop]}}],
            template={**d[0]["spec"]["template"], "metadata": {"name": "{{.team}}-{{.service}}-{{.env}}"}}))
        edit_yaml(repo / f"apps/services-{env}.yaml", lambda d: d[0]["spec"]["template"]["spec"]["source"].update(
            path="services/{{.service}}/overlays/{{.env}}"))
    code, data = validate(repo)
    deployed = data["graph"]["deployed"]
    assert code == 0, data["findings"]
    for env in envs:
        assert deployed[f"orders/{env}"] == [f"shop-orders-{env}"]  # the list overrode the file's team
        assert deployed[f"catalog/{env}"] == [f"core-catalog-{env}"]
    assert not any(key.startswith("legacy/") for key in deployed)


def test_no_root_application_is_a_warning(repo: Path) -> None:
    edit_yaml(repo / "bootstrap/kustomization.yaml", lambda d: d[0]["resources"].remove("root.yaml"))
    _code, data = validate(repo)
    assert "PGO-APP-ROOT" in ids(data, "warning")


def test_helm_chart_is_rendered_and_checked(repo: Path) -> None:
    chart = repo / "helm/orders"
    write(chart, "Chart.yaml", {"apiVersion": "v2", "name": "orders", "version": "0.1.0"})
    write(chart, "values.yaml", {"image": "ghcr.io/example/orders:0.1.0"})
    write(chart, "values-dev.yaml", {"image": "ghcr.io/example/orders:latest"})
    (chart / "templates").mkdir()
    (chart / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders-image\ndata:\n"
        "  image: {{ .Values.image | quote }}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: orders-debug\nspec:\n  containers:\n"
        "    - name: c\n      image: {{ .Values.image }}\n", encoding="utf-8")
    _code, data = validate(repo)
    assert data["stats"]["charts_rendered"] == 1
    image_findings = [f for f in data["findings"] if f["id"] == "PGO-IMAGE-TAG"]
    assert image_findings and all(f["where"] == "helm/orders[values-dev.yaml]" for f in image_findings)


def test_helm_chart_without_renderer_is_skipped_not_passed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    write(repo / "helm/orders", "Chart.yaml", {"apiVersion": "v2", "name": "orders", "version": "0.1.0"})
    monkeypatch.setitem(sys.modules, "helm_python", None)
    _code, data = validate(repo)
    assert data["stats"]["charts_skipped"] == 1 and data["stats"]["charts_rendered"] == 0
    assert "PGO-HELM-SKIPPED" in ids(data, "info")


def test_pipeline_yaml_absent_is_info(repo: Path) -> None:
    _, data = validate(repo)
    assert "PGO-PIPELINE-MISSING" in ids(data, "info")


# ---- bad input: exit 2, one line, nothing else --------------------------------------------------------
def test_no_kustomize_and_no_kubectl_is_exit_2(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    res = run_cli("validate", str(repo), env={"PATH": str(empty)})
    assert res.exit_code == 2
    assert "neither kustomize nor kubectl" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("args", [
    ["--kube-version", "banana"], ["--kube-version", "9.99.0"], ["--schema-location", "/nonexistent/folder"],
])
def test_bad_options_exit_2(repo: Path, args: list[str]) -> None:
    res = run_cli("validate", str(repo), *args)
    assert res.exit_code == 2, res.stderr
    assert res.stderr.startswith("error: ") and "Traceback" not in res.stderr


def test_not_a_gitops_repository_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello\n", encoding="utf-8")
    res = run_cli("validate", str(tmp_path))
    assert res.exit_code == 2 and "no kustomization.yaml" in res.stderr
    res = run_cli("validate", str(tmp_path / "missing"))
    assert res.exit_code == 2


def test_batched_builds_equal_one_build_per_folder(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from parasol_gitops.validate import engine, plan, render, report

    # each run its own cache of builds (validate/builds.py): the second one must really build, folder by folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-batched"))

    latest_image(repo)
    no_pdb(repo)
    # two unrelated roots that emit the same object id: kustomize refuses them in one batch
    for name in ("extra-a", "extra-b"):
        write(repo, f"{name}/cm.yaml", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "same"},
                                        "data": {"k": name}})
        write(repo, f"{name}/kustomization.yaml", kustomization(["cm.yaml"]))
    r = render.Renderer(repo, render.kustomize_command())
    r.discover()
    batches = r._batches(r.roots())
    assert any(len(b) > 1 for b in batches)
    assert any({"extra-a", "extra-b"} <= set(b) for b in batches)  # so the conflict forces the fallback
    assert r.kustomize.combined(["extra-a", "extra-b"]) is None
    batched = engine.run(repo, schema_locations=[str(CRD_SCHEMAS)])
    monkeypatch.setattr(plan, "BATCH_MAX", 1)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-single"))
    assert all(len(b) == 1 for b in r._batches(r.roots()))  # the patch reaches the planner
    single = engine.run(repo, schema_locations=[str(CRD_SCHEMAS)])
    assert report.as_json(batched) == report.as_json(single)
    assert batched.stats["kustomizations_built"] == single.stats["kustomizations_built"]
    origins = {o.origin for o in batched.objects if o.kind == "ConfigMap" and o.name == "same"}
    assert origins == {"extra-a", "extra-b"}
    assert all("config.kubernetes.io/origin" not in (o.data["metadata"].get("annotations") or {})
               for o in batched.objects)


def test_a_batch_splits_into_exactly_what_each_folder_builds_alone(repo: Path) -> None:
    from parasol_gitops.validate import render

    r = render.Renderer(repo, render.kustomize_command())
    r.discover()
    roots = r.roots()
    batch = [rel for rel in roots if not r.needs_network(rel)]
    assert len(batch) >= 4
    combined = r.kustomize.combined(batch)
    assert combined is not None and set(combined) == set(batch)

    def key(o: render.Obj) -> str:
        return json.dumps(o.data, sort_keys=True)

    for rel in batch:
        alone, error = r.kustomize.one(rel)
        assert error is None
        assert sorted(map(key, combined[rel])) == sorted(map(key, alone)), rel
        assert all(o.origin == rel and not o.source for o in combined[rel])
    assert not any(o.name.startswith("parasol-gitops-marker-") for objs in combined.values() for o in objs)


def test_sources_are_looked_up_only_for_folders_with_findings(repo: Path) -> None:
    from parasol_gitops.validate import engine

    latest_image(repo)
    result = engine.run(repo, schema_locations=[str(CRD_SCHEMAS)])
    with_source = {o.origin for o in result.objects if o.source}
    assert with_source == {"services/orders/overlays/dev"}
    image = [f for f in result.findings if f.id == "PGO-IMAGE-TAG"]
    assert [f.where for f in image] == ["services/orders/base/deployment.yaml"]


def test_a_heavy_folder_is_built_alone(repo: Path) -> None:
    from parasol_gitops.validate import render

    big = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
           "data": {"blob": "x" * (render.BATCH_BYTES + 1)}}
    write(repo, "heavy/cm.yaml", big)
    write(repo, "heavy/kustomization.yaml", kustomization(["cm.yaml"]))
    r = render.Renderer(repo, render.kustomize_command())
    r.discover()
    batches = r._batches(r.roots())
    assert ["heavy"] in batches
    assert any(len(b) > 1 for b in batches)


def test_helm_chart_that_does_not_render_is_an_error(repo: Path) -> None:
    chart = repo / "helm/orders"
    write(chart, "Chart.yaml", {"apiVersion": "v2", "name": "orders", "version": "0.1.0"})
    (chart / "templates").mkdir()
    (chart / "templates/cm.yaml").write_text("kind: ConfigMap\nname: {{ .Values.x | nosuchfunction }}\n",
                                             encoding="utf-8")
    code, data = validate(repo)
    assert code == 1 and "PGO-HELM-RENDER" in ids(data)


def test_findings_point_at_the_declaring_file(repo: Path) -> None:
    wildcard_project(repo)
    latest_image(repo)
    _, data = validate(repo)
    by_id = {f["id"]: f for f in data["findings"]}
    assert by_id["PGO-PROJECT-WILDCARD"]["where"] == "projects/dev.yaml"
    assert by_id["PGO-IMAGE-TAG"]["where"] == "services/orders/base/deployment.yaml"
    assert "as built by services/orders/overlays/dev" in by_id["PGO-IMAGE-TAG"]["message"]
    assert by_id["PGO-IMAGE-TAG"]["object"] == f"Deployment/{ns('dev')}/orders"


def test_api_version_removed_from_the_kube_version_is_an_error(repo: Path) -> None:
    edit_yaml(repo / "services/orders/base/hpa.yaml", lambda d: d[0].update(apiVersion="autoscaling/v2beta2"))
    code, data = validate(repo)
    assert code == 1
    assert any(f["id"] == "PGO-SCHEMA" and "not served by Kubernetes 1.31.0" in f["message"] for f in data["findings"])
    code, data = validate(repo, "--kube-version", "1.25.0")  # still served there
    assert code == 0, [f for f in data["findings"] if f["severity"] == "error"]


def test_a_build_failure_reports_the_same_line_every_run(repo: Path) -> None:
    broken_build(repo)
    first, second = validate(repo), validate(repo)
    assert first == second and first[0] == 1
    build = [f["message"] for f in first[1]["findings"] if f["id"] == "PGO-BUILD"]
    # kubectl's klog prefix (time, process id) is dropped; the kustomize error itself stays
    assert build and all(m.startswith("error: ") or "missing.yaml" in m for m in build)
    assert not any(re.match(r"[IWEF]\d{4} ", m) for m in build)


def test_git_generator_entries_without_a_usable_path_match_nothing(repo: Path) -> None:
    from parasol_gitops.validate.appgraph import _matching

    entries = [{"path": ""}, {"exclude": True}, "not-a-mapping", {"path": "services/*/overlays/dev"},
               {"path": "services/catalog/overlays/dev", "exclude": True}]
    assert _matching(repo, entries, Path.is_dir) == ["services/orders/overlays/dev"]
    assert _matching(repo, None, Path.is_dir) == []
