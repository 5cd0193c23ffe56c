"""Databases, migrations, capacity and the observability layer of the generated platform (issue 12), proven with
the real consumers: kubectl kustomize, kubernetes-validate and the CRD schemas (CloudNativePG, Barman Cloud,
Prometheus Operator, Argo CD), yamllint, and the product's own ``validate``."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from _platform_renders import answers, render
from conftest import find_tool, run_cli, run_tool
from k8s_checks import kustomize_build, restricted_problems, validate_all


def kinds(objs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objs if o["kind"] == kind]


def postgres_services(name: str) -> list[str]:
    return [s["name"] for s in answers(name)["services"] if s.get("database") == "postgresql"]


@pytest.mark.parametrize("name", ["platform-data", "default", "default-external"])
def test_platform_layer_builds_and_every_new_object_validates(name: str) -> None:
    root = render(name)
    for env in answers(name)["environments"]:
        for folder in (f"platform/overlays/{env['name']}", f"apps/{env['name']}"):
            objs = kustomize_build(root / folder)
            assert validate_all(objs) == [], folder
    proc = run_tool([find_tool("yamllint"), "--strict", "."], cwd=root)
    assert proc.returncode == 0, proc.stdout


def test_cloudnative_pg_cluster_backups_and_monitoring_per_environment() -> None:
    a = answers("platform-data")
    tiers = {e["name"]: e["tier"] for e in a["environments"]}
    for env, tier in tiers.items():
        objs = kustomize_build(render("platform-data") / f"platform/overlays/{env}")
        clusters = {o["metadata"]["name"]: o for o in kinds(objs, "Cluster")}
        assert sorted(clusters) == sorted(f"{s}-db" for s in postgres_services("platform-data"))
        stores = {o["metadata"]["name"]: o for o in kinds(objs, "ObjectStore")}
        backups = {o["spec"]["cluster"]["name"]: o for o in kinds(objs, "ScheduledBackup")}
        monitors = {o["spec"]["selector"]["matchLabels"]["cnpg.io/cluster"] for o in kinds(objs, "PodMonitor")}
        sealed = {o["metadata"]["name"] for o in kinds(objs, "SealedSecret")}
        for svc in postgres_services("platform-data"):
            c = clusters[f"{svc}-db"]["spec"]
            assert c["instances"] == (3 if tier == "production" else 1)
            assert c["storage"]["size"] and c["resources"]["limits"]["memory"] and c["resources"]["requests"]["cpu"]
            (plugin,) = c["plugins"]
            assert plugin["isWALArchiver"] is True and plugin["name"] == "barman-cloud.cloudnative-pg.io"
            store = stores[plugin["parameters"]["barmanObjectName"]]["spec"]
            assert store["configuration"]["destinationPath"] == f"{a['backup_bucket']}/{env}/{svc}"
            creds = store["configuration"]["s3Credentials"]
            assert {creds["accessKeyId"]["name"], creds["secretAccessKey"]["name"]} == {f"{svc}-db-backup-credentials"}
            assert store["configuration"]["wal"]["encryption"] == "AES256"
            # WAL is archived at least every few minutes: well inside the RPO
            archive = int(c["postgresql"]["parameters"]["archive_timeout"].removesuffix("min"))
            assert archive <= a["rpo_hours"] * 60
            retention = int(store["retentionPolicy"][:-1])
            assert store["retentionPolicy"].endswith("d") and retention * 24 >= a["rpo_hours"]
            assert retention >= (30 if tier == "production" else 7)
            # a daily base backup (CloudNativePG cron has seconds) through the same plugin
            b = backups[f"{svc}-db"]["spec"]
            fields = b["schedule"].split()
            assert len(fields) == 6 and fields[3:] == ["*", "*", "*"]
            assert b["method"] == "plugin" and b["pluginConfiguration"]["name"] == plugin["name"]
            assert f"{svc}-db" in monitors
            # credentials from the secrets backend (Sealed Secrets here), never plaintext
            assert {f"{svc}-db-credentials", f"{svc}-db-backup-credentials"} <= sealed
            assert c["bootstrap"]["initdb"]["secret"]["name"] == f"{svc}-db-credentials"
        assert not [o for o in kinds(objs, "Secret") if o.get("data") or o.get("stringData")]


def test_external_database_has_no_cluster_but_migrations_can_reach_it() -> None:
    objs = kustomize_build(render("default-external") / "platform/overlays/production")
    assert not kinds(objs, "Cluster") and not kinds(objs, "ScheduledBackup") and not kinds(objs, "ObjectStore")
    names = {o["metadata"]["name"] for o in kinds(objs, "NetworkPolicy")}
    assert "orders-migrate" in names
    # the same default answers with CloudNativePG do get the cluster
    assert kinds(kustomize_build(render("default") / "platform/overlays/production"), "Cluster")


@pytest.mark.parametrize("name", ["platform-data", "default"])
def test_schema_migration_is_a_presync_hook_job_per_service_and_environment(name: str) -> None:
    a = answers(name)
    for svc in a["services"]:
        for env in a["environments"]:
            objs = kustomize_build(render(name) / f"services/{svc['name']}/overlays/{env['name']}")
            jobs = kinds(objs, "Job")
            if svc.get("database") != "postgresql":
                assert jobs == []
                continue
            (job,) = jobs
            assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
            assert job["spec"]["backoffLimit"] >= 0 and job["spec"]["activeDeadlineSeconds"] > 0
            workload = next(o for o in objs if o["kind"] in ("Deployment", "Rollout"))
            (container,) = job["spec"]["template"]["spec"]["containers"]
            assert container["image"] == workload["spec"]["template"]["spec"]["containers"][0]["image"]
            assert container["command"] == (svc.get("migration_command") or ["/app/migrate", "up"])
            assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
            assert restricted_problems(job) == [] and validate_all([job]) == []


def test_capacity_plan_sets_the_production_hpa_maximum_and_a_declared_range_wins() -> None:
    a = answers("platform-data")
    for svc in a["services"]:
        objs = kustomize_build(render("platform-data") / f"services/{svc['name']}/overlays/prod")
        (hpa,) = kinds(objs, "HorizontalPodAutoscaler")
        if "autoscaling" in svc:
            expected = svc["autoscaling"]["max"]
        else:
            expected = math.ceil(10 * svc["expected_rps"] / svc.get("rps_per_pod", 50))
        assert hpa["spec"]["maxReplicas"] == max(expected, hpa["spec"]["minReplicas"]), svc["name"]


def test_validate_fails_when_the_quota_cannot_hold_the_hpa_maximum(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(render("platform-data"), repo)
    ok = run_cli("validate", str(repo), "--format", "json")
    assert ok.exit_code == 0, ok.stdout[-2000:]
    assert "PGO-QUOTA-HPA" not in ok.stdout
    guardrails = repo / "platform/overlays/prod/guardrails.yaml"
    text = guardrails.read_text(encoding="utf-8")
    guardrails.write_text(re.sub(r"limits\.memory: \d+Mi", "limits.memory: 512Mi", text), encoding="utf-8")
    bad = run_cli("validate", str(repo), "--format", "json")
    assert bad.exit_code == 1
    found = [f for f in json.loads(bad.stdout)["findings"] if f["id"] == "PGO-QUOTA-HPA"]
    assert len(found) == 1 and "limits.memory" in found[0]["message"] and "kura" in found[0]["message"]


def test_observability_applications_pin_charts_and_keep_logs_by_tier() -> None:
    a = answers("default")
    retention: dict[str, dict[str, str]] = {}
    for env in a["environments"]:
        objs = kustomize_build(render("default") / f"apps/{env['name']}")
        (project,) = [p for p in kinds(objs, "AppProject") if p["metadata"]["name"].endswith("-observability")]
        apps = {o["metadata"]["name"].rsplit("-", 1)[1]: o for o in kinds(objs, "Application")
                if o["metadata"]["labels"].get("parasol-gitops.io/layer") == "observability"}
        assert sorted(apps) == ["logs", "telemetry", "traces"]
        for app in apps.values():
            src = app["spec"]["source"]
            assert re.fullmatch(r"\d+\.\d+\.\d+", src["targetRevision"]) and src["chart"]
            assert src["repoURL"] in project["spec"]["sourceRepos"]
            assert app["spec"]["destination"] in [{"server": d["server"], "namespace": d["namespace"]}
                                                  for d in project["spec"]["destinations"]]
        assert "*" not in json.dumps(project["spec"])
        values = {k: app["spec"]["source"]["helm"]["valuesObject"] for k, app in apps.items()}
        retention[env["tier"]] = {"logs": values["logs"]["loki"]["limits_config"]["retention_period"],
                                  "traces": values["traces"]["tempo"]["retention"]}
        collector = values["telemetry"]["config"]
        assert collector["service"]["pipelines"]["traces"]["exporters"] == ["otlp/tempo"]
        assert collector["exporters"]["otlp/tempo"]["endpoint"].startswith(values["traces"]["fullnameOverride"])
    hours = {tier: {k: int(v[:-1]) for k, v in r.items()} for tier, r in retention.items()}
    assert hours["development"]["logs"] < hours["staging"]["logs"] < hours["production"]["logs"] == 720
    assert hours["development"]["traces"] < hours["production"]["traces"]


def test_workloads_get_otel_settings_json_logs_and_can_reach_the_collector() -> None:
    a = answers("platform-data")
    for env in a["environments"]:
        platform = kustomize_build(render("platform-data") / f"platform/overlays/{env['name']}")
        apps = kustomize_build(render("platform-data") / f"apps/{env['name']}")
        collector = next(o for o in apps if o["metadata"]["name"].endswith("-telemetry"))
        collector_name = collector["spec"]["source"]["helm"]["valuesObject"]["fullnameOverride"]
        for svc in a["services"]:
            objs = kustomize_build(render("platform-data") / f"services/{svc['name']}/overlays/{env['name']}")
            (cfg,) = kinds(objs, "ConfigMap")
            data = cfg["data"]
            assert data["OTEL_SERVICE_NAME"] == svc["name"] and data["LOG_FORMAT"] == "json"
            assert data["OTEL_EXPORTER_OTLP_ENDPOINT"] == f"http://{collector_name}.observability.svc:4317"
            attrs = dict(kv.split("=", 1) for kv in data["OTEL_RESOURCE_ATTRIBUTES"].split(","))
            assert attrs["deployment.environment.name"] == env["name"] and attrs["service.namespace"] == "kura"
            assert data["METRICS_PREFIX"] == svc.get("metrics_prefix", svc["name"].replace("-", "_"))
        otlp = next(p for p in kinds(platform, "NetworkPolicy") if p["metadata"]["name"] == "allow-otlp-to-collector")
        assert {p["port"] for p in otlp["spec"]["egress"][0]["ports"]} == {4317, 4318}
        (ds,) = [o for o in kinds(platform, "ConfigMap") if o["metadata"]["labels"].get("grafana_datasource")]
        sources = yaml.safe_load(ds["data"]["datasources.yaml"])["datasources"]
        assert sorted(s["type"] for s in sources) == ["loki", "prometheus", "tempo"]


def test_business_metrics_dashboard_reads_each_services_prefix() -> None:
    a = answers("platform-data")
    objs = kustomize_build(render("platform-data") / "platform/monitoring/prod")
    (board,) = [o for o in kinds(objs, "ConfigMap") if "business-metrics.json" in o.get("data", {})]
    panels = json.loads(board["data"]["business-metrics.json"])["panels"]
    for svc in a["services"]:
        prefix = svc.get("metrics_prefix", svc["name"].replace("-", "_"))
        assert any(f'__name__=~\\"{prefix}_.+_total\\"' in json.dumps(p["targets"]) for p in panels), prefix


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"database_provider": "mysql"}, "database_provider: 'mysql' is not one of ['cloudnative-pg', 'external']"),
        ({"services": [{"name": "a", "slo": 100}]}, "SLO target of service 'a' must be a percentage between 0 and 100"),
        ({"services": [{"name": "a", "slo": {"availability": 0}}]}, "SLO target of service 'a'"),
        ({"services": [{"name": "a", "slo": -3}]}, "SLO target of service 'a'"),
        ({"services": [{"name": "a", "expected_rps": 0}]}, "expected_rps of service 'a' must be a positive number"),
        ({"backup_bucket": "bucket"}, "backup_bucket must be an s3://, gs:// or https:// object-storage URL"),
    ],
)
def test_bad_platform_answers_exit_2_with_one_line_and_write_nothing(tmp_path: Path, data: dict[str, Any],
                                                                     message: str) -> None:
    dest = tmp_path / "out"
    args = ["new", str(dest), "--defaults"]
    for key, value in data.items():
        args += ["--data", f"{key}={json.dumps(value) if not isinstance(value, str) else value}"]
    res = run_cli(*args)
    assert res.exit_code == 2, res.stdout + res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], res.stderr
    assert not dest.exists() or not any(dest.iterdir())
