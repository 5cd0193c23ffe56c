"""Issue 11 item 4: `validate` never touches the network.

A local HTTP server and a local `git daemon` (127.0.0.1, free ports) are referenced from a kustomization in each
field kustomize loads through its loader, and from a nested kustomization; each run must end with a
``PGO-REMOTE-REF`` finding naming the file and field, exit 1, the repository unchanged, no temporary left, and
**zero** connections on either server. Control runs prove the references are live: plain ``kubectl kustomize``
does fetch them. A Helm render with a kubeconfig (and in-cluster variables) naming a counting server sends it
nothing.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CRD_SCHEMAS, ROOT, find_tool
from repo_builders import write, write_repo

OVERLAY = "services/orders/overlays/dev"
GIT_HOST = "https://git.example.test/"  # rewritten to the local git daemon by the test HOME's gitconfig


# ---- the two servers ------------------------------------------------------------------------------------
@dataclass
class HttpServer:
    port: int
    connections: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    record = HttpServer(0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched-over-http\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_HEAD = do_POST = _any

        def log_message(self, *args: Any) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def verify_request(self, request: Any, client_address: Any) -> bool:
            record.connections.append(f"{client_address}")  # every connection, HTTP or not
            return True

    server = Server(("127.0.0.1", 0), Handler)
    record.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class GitDaemon:
    port: int
    log: Path
    home: Path

    def connections(self) -> int:
        return self.log.read_text(encoding="utf-8", errors="replace").count("Connection from")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def git_daemon(tmp_path: Path) -> Iterator[GitDaemon]:
    srv = tmp_path / "git-srv"
    repo = srv / "repo"
    (repo / "base").mkdir(parents=True)
    (repo / "base/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched-over-git\n")
    (repo / "base/kustomization.yaml").write_text("resources: [cm.yaml]\n")
    git = ["git", "-c", "user.email=t@example.test", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    port = _free_port()
    log = tmp_path / "git-daemon.log"
    home = tmp_path / "home"
    home.mkdir()
    # a remote written the usual way (https://host/…, git@host:…) reaches the daemon through git's own rewrite
    (home / ".gitconfig").write_text(
        f'[url "git://127.0.0.1:{port}/"]\n\tinsteadOf = {GIT_HOST}\n\tinsteadOf = git@git.example.test:\n')
    with log.open("w") as out:
        proc = subprocess.Popen(["git", "daemon", "--export-all", f"--base-path={srv}", "--listen=127.0.0.1",
                                 f"--port={port}", "--verbose", "--log-destination=stderr", "--reuseaddr"],
                                stdout=subprocess.DEVNULL, stderr=out, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while "Ready to rumble" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
        assert "Ready to rumble" in log.read_text(), log.read_text()
        yield GitDaemon(port, log, home)
    finally:
        os.killpg(proc.pid, 9)
        proc.wait(timeout=10)


# ---- helpers -------------------------------------------------------------------------------------------
def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else "dir"
    return out


def run_validate(repo: Path, tmp: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    tmp.mkdir(exist_ok=True)
    full = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp), **env}
    proc = subprocess.run([sys.executable, "-m", "parasol_gitops", "validate", str(repo), "--format", "json",
                           "--schema-location", str(CRD_SCHEMAS)], capture_output=True, text=True, env=full,
                          timeout=240)
    assert proc.returncode in (0, 1), proc.stderr
    return proc, json.loads(proc.stdout)


def remote_findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if f["id"] == "PGO-REMOTE-REF"]


def set_field(repo: Path, rel: str, key: str, value: Any) -> None:
    path = repo / rel / "kustomization.yaml"
    data = yaml.safe_load(path.read_text())
    if key == "openapi":
        data["openapi"] = value
    elif isinstance(value, list) and key in data:
        data[key] = [*data[key], *value]
    else:
        data[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    find_tool("kubectl")
    return write_repo(tmp_path / "repo", services=("orders",), envs=("dev",))


# (field written, value factory from the HTTP URL, the field the finding names)
HTTP_CASES = [
    ("resources", lambda u: [f"{u}/cm.yaml"], "resources[1]"),
    ("components", lambda u: [f"{u}/component"], "components[0]"),
    ("bases", lambda u: [f"{u}/base"], "bases[0]"),
    ("crds", lambda u: [f"{u}/crd.json"], "crds[0]"),
    ("configurations", lambda u: [f"{u}/config.yaml"], "configurations[0]"),
    ("generators", lambda u: [f"{u}/generator.yaml"], "generators[0]"),
    ("transformers", lambda u: [f"{u}/transformer.yaml"], "transformers[0]"),
    ("validators", lambda u: [f"{u}/validator.yaml"], "validators[0]"),
    ("patches", lambda u: [{"path": f"{u}/patch.yaml"}], "patches[0].path"),
    ("patchesStrategicMerge", lambda u: [f"{u}/smp.yaml"], "patchesStrategicMerge[0]"),
    ("patchesJson6902", lambda u: [{"target": {"kind": "Deployment", "name": "orders"}, "path": f"{u}/p.json"}],
     "patchesJson6902[0].path"),
    ("replacements", lambda u: [{"path": f"{u}/replacement.yaml"}], "replacements[0].path"),
    ("openapi", lambda u: {"path": f"{u}/openapi.json"}, "openapi.path"),
    ("helmCharts", lambda u: [{"name": "x", "repo": f"{u}/charts", "version": "1.0.0", "releaseName": "x"}],
     "helmCharts[0].repo"),
]


@pytest.mark.parametrize(("key", "value", "named"), HTTP_CASES, ids=[c[0] for c in HTTP_CASES])
def test_url_in_each_field_is_a_finding_and_never_fetched(repo: Path, tmp_path: Path, http_server: HttpServer,
                                                          key: str, value: Any, named: str) -> None:
    written = value(http_server.url)
    set_field(repo, OVERLAY, key, written)
    before = snapshot(repo)
    proc, data = run_validate(repo, tmp_path / "tmp")
    assert proc.returncode == 1
    found = remote_findings(data)
    assert [f["where"] for f in found] == [f"{OVERLAY}/kustomization.yaml"], found
    assert found[0]["severity"] == "error" and found[0]["message"].startswith(f"{named}: {http_server.url}/")
    assert http_server.connections == []
    assert "fetched-over-http" not in proc.stdout
    assert snapshot(repo) == before and list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("ref", [f"git::{GIT_HOST}repo//base?ref=main", f"{GIT_HOST}repo//base",
                                 "git@git.example.test:repo//base?ref=main"])
def test_git_remote_in_a_nested_kustomization_is_a_finding_and_never_cloned(
        repo: Path, tmp_path: Path, git_daemon: GitDaemon, ref: str) -> None:
    # the overlay includes base, base includes ../remote, and only that nested kustomization names the remote
    write(repo, "services/orders/remote/kustomization.yaml", {"resources": [ref]})
    set_field(repo, "services/orders/base", "resources", ["../remote"])
    before = snapshot(repo)
    proc, data = run_validate(repo, tmp_path / "tmp", HOME=str(git_daemon.home))
    assert proc.returncode == 1
    by_where = {f["where"]: f["message"] for f in remote_findings(data)}
    assert by_where["services/orders/remote/kustomization.yaml"] == \
        f"resources[0]: {ref} is a remote reference: never fetched, folder not built"
    # neither the base nor the overlay including it is built
    assert by_where["services/orders/base"].startswith("not built: includes services/orders/remote")
    assert by_where[OVERLAY].startswith("not built: includes services/orders/remote")
    assert git_daemon.connections() == 0
    assert "fetched-over-git" not in proc.stdout
    assert snapshot(repo) == before and list((tmp_path / "tmp").iterdir()) == []


def test_pinned_https_base_in_a_nested_kustomization_is_checked_offline(
        repo: Path, tmp_path: Path, git_daemon: GitDaemon) -> None:
    """An https base pinned with ?ref= (how the generated repository pulls Argo CD) is PGO-REMOTE-BASE: the
    local files are validated, the base is not fetched."""
    ref = f"{GIT_HOST}repo//base?ref=main"
    write(repo, "services/orders/remote/kustomization.yaml", {"resources": [ref]})
    set_field(repo, "services/orders/base", "resources", ["../remote"])
    proc, data = run_validate(repo, tmp_path / "tmp", HOME=str(git_daemon.home))
    assert remote_findings(data) == []
    assert {f["where"]: f["message"] for f in data["findings"] if f["id"] == "PGO-REMOTE-BASE"}[OVERLAY] == ref
    assert git_daemon.connections() == 0 and "fetched-over-git" not in proc.stdout


def test_control_plain_kustomize_does_fetch_both_servers(repo: Path, tmp_path: Path, http_server: HttpServer,
                                                         git_daemon: GitDaemon) -> None:
    """The references above are live: kustomize outside validate fetches them (so zero above means refused)."""
    write(repo, "probe-http/kustomization.yaml", {"resources": [f"{http_server.url}/cm.yaml"]})
    write(repo, "probe-git/kustomization.yaml", {"resources": [f"{GIT_HOST}repo//base?ref=main"]})
    kubectl = find_tool("kubectl")
    env = {**os.environ, "HOME": str(git_daemon.home)}
    http = subprocess.run([kubectl, "kustomize", str(repo / "probe-http")], capture_output=True, text=True, env=env,
                          timeout=120)
    git = subprocess.run([kubectl, "kustomize", str(repo / "probe-git")], capture_output=True, text=True, env=env,
                         timeout=120)
    assert http_server.connections and "fetched-over-http" in http.stdout
    assert git_daemon.connections() >= 1 and "fetched-over-git" in git.stdout


def test_pinned_https_base_stays_an_offline_info_finding(repo: Path, tmp_path: Path) -> None:
    proc, data = run_validate(repo, tmp_path / "tmp")
    assert proc.returncode == 0 and remote_findings(data) == []
    assert [f["where"] for f in data["findings"] if f["id"] == "PGO-REMOTE-BASE"] == ["bootstrap"]


def test_helm_render_reaches_no_cluster(repo: Path, tmp_path: Path, http_server: HttpServer) -> None:
    chart = repo / "charts/probe"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: probe\nversion: 0.1.0\nkubeVersion: '>=1.20.0-0'\n")
    (chart / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n"
        "  ns: {{ (lookup \"v1\" \"Namespace\" \"\" \"default\") | toJson | quote }}\n"
        "  version: {{ .Capabilities.KubeVersion.Version | quote }}\n"
        "  apps: {{ .Capabilities.APIVersions.Has \"apps/v1\" | quote }}\n")
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": http_server.url}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "users": [{"name": "u", "user": {"token": "t"}}]}))
    _, data = run_validate(repo, tmp_path / "tmp", KUBECONFIG=str(kubeconfig), KUBERNETES_SERVICE_HOST="127.0.0.1",
                           KUBERNETES_SERVICE_PORT=str(http_server.port))
    assert data["stats"]["charts_rendered"] == 1, data["findings"]
    assert http_server.connections == []
    assert not [f for f in data["findings"] if f["id"] == "PGO-HELM-RENDER"]


def test_git_daemon_fixture_counts_connections(git_daemon: GitDaemon, tmp_path: Path) -> None:
    """The counter the tests above rely on sees a real clone."""
    assert git_daemon.connections() == 0
    subprocess.run(["git", "clone", "-q", f"git://127.0.0.1:{git_daemon.port}/repo", str(tmp_path / "c")],
                   check=True, timeout=60, env={**os.environ, "HOME": str(git_daemon.home)})
    assert git_daemon.connections() == 1 and shutil.which("git")
