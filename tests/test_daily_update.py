"""Daily use of a generated repository: fast `update`, `service add|remove`, answers to unknown questions.

Tagged template versions as in tests/test_update.py (this repository's template in its own git repository).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_cli
from test_update import GIT_ENV, git, make_template_repo, release


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def commit_all(dest: Path, message: str) -> None:
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", message)


def generate(template: Path, dest: Path, *args: str, cwd: Path | None = None) -> None:
    result = run_cli("new", str(dest), "--template", str(template), "--vcs-ref", "v1", "--defaults", *args, cwd=cwd)
    assert result.exit_code == 0, result.stderr
    target = dest if dest.is_absolute() else (cwd or Path.cwd()) / dest
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "generated from template v1")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def answers(dest: Path) -> dict:
    return yaml.safe_load((dest / ".copier-answers.yml").read_text())


def test_fast_update_writes_exactly_what_plain_copier_update_writes_and_renders_twice_not_three_times(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from copier import _main

    template = make_template_repo(tmp_path / "template-src")
    fast = tmp_path / "fast"
    generate(template, fast)
    # the user's edits: one that merges cleanly (an overlay), one that conflicts (the README title)
    overlay = fast / "services" / "orders" / "overlays" / "production" / "kustomization.yaml"
    overlay.write_text(overlay.read_text() + "# pinned by the team\n")
    readme = fast / "README.md"
    readme.write_text("# Our shop (team title)\n" + readme.read_text().split("\n", 1)[1])
    commit_all(fast, "user edits")
    readme_tpl = template / "template" / "README.md.jinja"
    readme_tpl.write_text(re.sub(r"^# .*$", "# {{ project_name }} (template v2 title)", readme_tpl.read_text(),
                                 count=1, flags=re.MULTILINE))
    (template / "template" / "SECURITY.md.jinja").write_text("# Security of {{ project_name }}\n")
    release(template, "v2", "template v2")
    plain = tmp_path / "plain"
    subprocess.run(["git", "clone", "-q", str(fast), str(plain)], check=True)

    renders: list[str] = []
    original = _main.Worker._render_template

    def counting(worker: object) -> None:
        renders.append(str(getattr(worker, "dst_path", "")))
        original(worker)

    monkeypatch.setattr(_main.Worker, "_render_template", counting)
    result = run_cli("update", str(fast))
    assert result.exit_code == 1, result.stdout + result.stderr  # the README conflicts
    assert len(renders) == 2  # old version, then new version into the repository; the third is replayed

    renders.clear()
    monkeypatch.setattr("parasol_gitops.copier_patches.update_speedups", lambda dest: contextlib.nullcontext())
    result_plain = run_cli("update", str(plain))
    assert result_plain.exit_code == 1
    assert len(renders) == 3  # what Copier does unpatched

    assert tree(fast) == tree(plain)
    assert git(fast, "ls-files", "-s") == git(plain, "ls-files", "-s")  # same unmerged stages
    assert git(fast, "status", "--porcelain") == git(plain, "status", "--porcelain")
    assert "<<<<<<< before updating" in readme.read_text()
    assert (fast / "SECURITY.md").read_text() == "# Security of shop\n"
    assert overlay.read_text().endswith("# pinned by the team\n")
    # each conflicted file with the command that resolves it
    assert "  README.md: edit the <<<<<<< … >>>>>>> blocks, then `git add README.md`" in result.stdout
    assert result.stderr.strip() == "error: conflicts remain in README.md"


def _ci_in_sync(dest: Path) -> bool:
    check = run_cli("pipeline", "--target", "github", "--spec", str(dest / "pipeline.yaml"), "--out", str(dest),
                    "--check")
    return check.exit_code == 0


def test_service_add_and_remove_survive_a_later_update_with_hand_edits(tmp_path: Path) -> None:
    template = make_template_repo(tmp_path / "tpl")
    # a relative --template is stored absolute, so update works from inside the project
    generate(Path("tpl"), Path("gitops"), cwd=tmp_path)
    dest = tmp_path / "gitops"
    assert answers(dest)["_src_path"] == str(template.resolve())

    added = run_cli("service", "add", "payments", "--path", str(dest), "--data", "port=9090",
                    "--data", "strategy=canary")
    assert added.exit_code == 0, added.stdout + added.stderr
    assert "added service payments" in added.stdout
    entry = next(s for s in answers(dest)["services"] if s["name"] == "payments")
    assert entry["port"] == 9090 and entry["strategy"] == "canary"
    for env in ("dev", "staging", "production"):
        assert (dest / "services" / "payments" / "overlays" / env / "kustomization.yaml").is_file()
        assert (dest / "apps" / env / "payments.yaml").is_file()
    assert "payments" in (dest / "pipeline.yaml").read_text()
    # the CI files were synthesized again (ci.yml computes its service matrix from pipeline.yaml at run time;
    # rollback.yml offers the services by name)
    assert _ci_in_sync(dest) and "- payments" in (dest / ".github" / "workflows" / "rollback.yml").read_text()
    commit_all(dest, "add payments")
    # the team's hand edit to the new service
    overlay = dest / "services" / "payments" / "overlays" / "production" / "kustomization.yaml"
    overlay.write_text(overlay.read_text() + "# payments: reviewed by the payments team\n")
    commit_all(dest, "hand edit")

    # storefront is called by nobody; catalog is called by orders and storefront
    refused = run_cli("service", "remove", "catalog", "--path", str(dest))
    assert refused.exit_code == 2 and "called by orders, storefront" in refused.stderr
    removed = run_cli("service", "remove", "storefront", "--path", str(dest))
    assert removed.exit_code == 0, removed.stdout + removed.stderr
    assert not (dest / "services" / "storefront").exists()
    assert not list((dest / "apps").glob("*/storefront.yaml"))
    assert "storefront" not in (dest / "pipeline.yaml").read_text()
    assert _ci_in_sync(dest) and "storefront" not in (dest / ".github" / "workflows" / "rollback.yml").read_text()
    # deleted: what belonged to storefront, nothing else; the other services' folders are untouched (aggregates
    # such as quotas, documents and kustomizations listing the services are re-rendered by Copier)
    deleted = git(dest, "ls-files", "--deleted").split()
    assert deleted and all("storefront" in rel for rel in deleted), deleted
    # in the other services only the network allows from storefront (their caller) went away
    for line in git(dest, "status", "--porcelain", "--", "services").splitlines():
        rel = line[3:]
        if "storefront" not in rel:
            removed_lines = [x for x in git(dest, "diff", "-U0", "--", rel).splitlines()
                             if x.startswith(("-", "+")) and not x.startswith(("---", "+++"))]
            assert rel.endswith("networkpolicy.yaml") and removed_lines, rel
            assert all(x.startswith("-") for x in removed_lines) and any("storefront" in x for x in removed_lines)
    commit_all(dest, "remove storefront")

    (template / "template" / "SECURITY.md.jinja").write_text("# Security of {{ project_name }}\n")
    release(template, "v2", "template v2")
    result = run_cli("update", cwd=dest)  # DEST defaults to ., from inside the project
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (dest / "SECURITY.md").is_file() and "_commit: v2" in (dest / ".copier-answers.yml").read_text()
    names = [s["name"] for s in answers(dest)["services"]]
    assert names == ["orders", "catalog", "payments"]
    assert overlay.read_text().endswith("# payments: reviewed by the payments team\n")
    assert not (dest / "services" / "storefront").exists()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("daily")
    old = {k: os.environ.get(k) for k in GIT_ENV}
    os.environ.update(GIT_ENV)  # module scope: monkeypatch is per test
    try:
        template = make_template_repo(base / "tpl")
        generate(template, base / "gitops")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return base / "gitops"


@pytest.mark.parametrize(("args", "message"), [
    (["add", "orders"], "error: service 'orders' already exists; choose another name"),
    (["add", "Pay_Ments"], "error: 'Pay_Ments' is not a DNS-1123 label"),
    (["add", "payments", "--data", "prot=9090"], "error: unknown service field 'prot' (did you mean port?)"),
    (["add", "payments", "--data", "name=x"], "error: unknown service field 'name'"),
    (["remove", "payment"], "error: no service 'payment' in this repository"),
    (["remove", "ordrs"], "error: no service 'ordrs' in this repository (did you mean orders?)"),
])
def test_service_bad_input_is_one_line_exit_2_and_writes_nothing(generated: Path, args: list[str],
                                                                 message: str) -> None:
    before = tree(generated)
    result = run_cli("service", *args, "--path", str(generated))
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert tree(generated) == before and git(generated, "status", "--porcelain") == ""


def test_answers_to_unknown_questions_are_refused_with_a_suggestion(generated: Path, tmp_path: Path) -> None:
    new = run_cli("new", str(tmp_path / "x"), "--defaults", "--data", "servces=[{name: a}]")
    assert new.exit_code == 2
    assert new.stderr.startswith("error: unknown question 'servces' in --data/--data-file")
    assert new.stderr.rstrip().endswith("(did you mean services?)") and len(new.stderr.splitlines()) == 1
    assert not (tmp_path / "x").exists()
    data_file = tmp_path / "answers.yml"
    data_file.write_text("project_name: shop\nci_targt: gitlab\n")
    upd = run_cli("update", str(generated), "--data-file", str(data_file))
    assert upd.exit_code == 2 and "'ci_targt'" in upd.stderr and "(did you mean ci_target?)" in upd.stderr
    assert git(generated, "status", "--porcelain") == ""


def test_update_speedups_leave_copier_as_it_was() -> None:
    from copier import _main

    from parasol_gitops.copier_patches import update_speedups

    before = {k: _main.Worker.__dict__.get(k) for k in ("_render_template", "_render_allowed",
                                                         "_sync_git_index_executable_bit", "jinja_env")}
    with update_speedups(Path(".")):
        assert _main.Worker.__dict__["_render_template"] is not before["_render_template"]
    assert {k: _main.Worker.__dict__.get(k) for k in before} == before


def test_the_replay_is_refused_only_for_templates_that_render_the_destination_path(tmp_path: Path) -> None:
    from conftest import ROOT

    from parasol_gitops.copier_patches import _reads_dst_path

    # the rendered subdirectory of this repository's template (its Python code mentions dst_path; not rendered)
    assert _reads_dst_path(ROOT / "template") is False
    (tmp_path / "copier.yml").write_text("_message_after_copy: '{{ _copier_conf.dst_path }}'\n")
    assert _reads_dst_path(tmp_path) is False  # printed, never rendered into a file
    (tmp_path / "where.txt.jinja").write_text("{{ _copier_conf.dst_path }}\n")
    assert _reads_dst_path(tmp_path) is True


def test_service_remove_in_the_parasol_layout_removes_the_chart_and_its_hand_added_files(tmp_path: Path) -> None:
    """The Parasol layout keeps charts under kubernetes/helm/<svc>; a file the team added there (a value file of
    its own) is not the template's, so Copier leaves it, and `service remove` must delete the folder itself."""
    template = make_template_repo(tmp_path / "tpl")
    dest = tmp_path / "gitops"
    generate(template, dest, "--data", "layout=parasol")
    chart = dest / "kubernetes" / "helm" / "storefront"
    assert (chart / "Chart.yaml").is_file()
    (chart / "values-perf.yaml").write_text("replicaCount: 1\n")
    commit_all(dest, "perf values for storefront")
    removed = run_cli("service", "remove", "storefront", "--path", str(dest))
    assert removed.exit_code == 0, removed.stdout + removed.stderr
    assert not chart.exists()
    assert not list((dest / "apps").glob("*/storefront.yaml"))
    assert (dest / "kubernetes" / "helm" / "orders" / "Chart.yaml").is_file()
