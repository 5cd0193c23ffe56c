"""The generated documents describe the repository they sit in: its services, environments, alerts and paths,
in the answered language, with Mermaid diagrams whose edges connect declared nodes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _scaffold_renders import final_answers, rendered

DOCS = ("infrastructure-design", "cicd-pipeline", "monitoring-observability", "deployment-strategy",
        "disaster-recovery", "operations-runbook")
ALERTS = ("HighErrorRate", "HighLatency", "PodRestartingTooFrequently", "SLOErrorBudgetBurnFast",
          "SLOErrorBudgetBurnSlow")
SETS = ("default", "one-service", "six-mixed-helm-ja", "six-mixed-helm-parasol", "parasol-helm-traefik")

MERMAID_BLOCK = re.compile(r"```mermaid\n(.*?)```", re.S)
HEADER = re.compile(r"^(graph|flowchart) (TD|TB|LR|RL|BT)$")
NODE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\["([^"\n]+)"\]$')
EDGE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*) -->(?:\|([^|\n]+)\|)? ([A-Za-z_][A-Za-z0-9_]*)$")


def doc_dir(root: Path) -> Path:
    return root if final_answers(root)["layout"] == "parasol" else root / "docs"


def read_docs(name: str) -> dict[str, str]:
    root = rendered(name)
    return {doc: (doc_dir(root) / f"{doc}.md").read_text(encoding="utf-8") for doc in DOCS}


def mermaid_problems(text: str) -> list[str]:
    """Structural check of each flowchart block: a header, node declarations, edges between declared nodes."""
    problems: list[str] = []
    blocks = MERMAID_BLOCK.findall(text)
    for block in blocks:
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not HEADER.match(lines[0]):
            problems.append(f"bad header {lines[0]!r}")
            continue
        nodes: set[str] = set()
        edges: list[tuple[str, str]] = []
        for line in lines[1:]:
            if m := NODE.match(line):
                if m.group(1) in nodes:
                    problems.append(f"node {m.group(1)} declared twice")
                nodes.add(m.group(1))
            elif m := EDGE.match(line):
                edges.append((m.group(1), m.group(3)))
            else:
                problems.append(f"unparsable line {line!r}")
        if not edges:
            problems.append("a diagram without edges")
        for a, b in edges:
            for end in (a, b):
                if end not in nodes:
                    problems.append(f"edge {a} --> {b} uses undeclared node {end}")
    return problems


@pytest.mark.parametrize("name", SETS)
def test_docs_are_where_the_layout_puts_them(name: str) -> None:
    root = rendered(name)
    parasol = final_answers(root)["layout"] == "parasol"
    for doc in DOCS:
        assert (root / f"{doc}.md").is_file() is parasol
        assert (root / "docs" / f"{doc}.md").is_file() is not parasol
    assert not (root / "docs").exists() if parasol else True


@pytest.mark.parametrize("name", SETS)
def test_docs_name_every_service_environment_and_alert(name: str) -> None:
    answers = final_answers(rendered(name))
    docs = read_docs(name)
    services = [s["name"] for s in answers["services"]]
    envs = [e["name"] for e in answers["environments"]]
    for doc in ("infrastructure-design", "monitoring-observability", "deployment-strategy", "cicd-pipeline",
                "disaster-recovery"):
        for svc in services:
            assert re.search(rf"\b{re.escape(svc)}\b", docs[doc]), f"{doc} does not name service {svc}"
    for doc in ("infrastructure-design", "deployment-strategy", "operations-runbook", "cicd-pipeline"):
        for env in envs:
            assert re.search(rf"\b{re.escape(env)}\b", docs[doc]), f"{doc} does not name environment {env}"
    for alert in ALERTS:
        assert alert in docs["monitoring-observability"]
        assert alert in docs["operations-runbook"]
    assert f"RPO ({'目標復旧時点' if answers['docs_language'] == 'ja' else 'recovery point objective'}) | " \
           f"{answers['rpo_hours']} h" in docs["disaster-recovery"]
    assert f"{answers['rto_hours']} h" in docs["disaster-recovery"]


@pytest.mark.parametrize("name", SETS)
def test_alert_names_are_the_ones_the_platform_layer_renders(name: str) -> None:
    root = rendered(name)
    rules = "\n".join(p.read_text() for p in (root / "platform" / "monitoring").rglob("prometheus-rules.yaml"))
    rendered_alerts = set(re.findall(r"- alert: (\w+)", rules))
    assert rendered_alerts == set(ALERTS)


@pytest.mark.parametrize("name", SETS)
def test_paths_the_docs_mention_exist(name: str) -> None:
    """Backticked repository paths without placeholders must exist in the rendered repository."""
    root = rendered(name)
    tops = ("bootstrap/", "apps/", "projects/", "platform/", "services/", "helm/", "kubernetes/", "dr/",
            "pipeline.yaml")
    seen = 0
    for doc, text in read_docs(name).items():
        for path in re.findall(r"`([^`\s]+)`", text):
            if not path.startswith(tops) or "<" in path or "{" in path:
                continue
            seen += 1
            assert (root / path).exists(), f"{doc} mentions {path}, which is not in the repository"
    assert seen >= 5


@pytest.mark.parametrize("name", SETS)
def test_mermaid_diagrams_parse(name: str) -> None:
    docs = read_docs(name)
    total = 0
    for doc, text in docs.items():
        total += len(MERMAID_BLOCK.findall(text))
        assert mermaid_problems(text) == [], doc
    assert total >= 5
    # the app-of-apps tree has the root, one node per environment, the platform and every service per environment
    answers = final_answers(rendered(name))
    tree = MERMAID_BLOCK.findall(docs["infrastructure-design"])[0]
    assert tree.count("root -->") == len(answers["environments"])
    assert tree.count("-->|wave 1|") == len(answers["environments"]) * len(answers["services"])


def test_the_mermaid_check_rejects_broken_diagrams() -> None:
    assert mermaid_problems("```mermaid\ngraph TD\n  a[\"A\"]\n  a --> b\n```\n")
    assert mermaid_problems("```mermaid\nsequence\n  a --> b\n```\n")
    assert mermaid_problems("```mermaid\ngraph TD\n  a[\"A\"]\n  b[\"B\"]\n  a -> b\n```\n")
    assert not mermaid_problems("```mermaid\ngraph TD\n  a[\"A\"]\n  b[\"B\"]\n  a -->|x| b\n```\n")


def test_japanese_docs_for_docs_language_ja() -> None:
    docs = read_docs("six-mixed-helm-ja")
    headings = {
        "infrastructure-design": "# インフラストラクチャ設計",
        "cicd-pipeline": "# CI/CD パイプライン",
        "monitoring-observability": "# 監視とオブザーバビリティ",
        "deployment-strategy": "# デプロイ戦略",
        "disaster-recovery": "# 災害復旧",
        "operations-runbook": "# 運用ランブック",
    }
    english = ("Infrastructure design", "Monitoring and observability", "Deployment strategy", "Disaster recovery",
               "Operations runbook", "## Services", "## Environments")
    for doc, heading in headings.items():
        assert docs[doc].startswith(heading), doc
        assert not any(word in docs[doc] for word in english), doc
        japanese = sum(1 for ch in docs[doc] if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
        assert japanese > 100, f"{doc} has only {japanese} Japanese characters"
    assert "オンコール" in docs["operations-runbook"]
    readme = (rendered("six-mixed-helm-ja") / "README.md").read_text()
    assert readme.startswith("# mise GitOps リポジトリ")
    for heading in ("## 構成", "## ApplicationSet ではなく環境ごとの Application にした理由", "## コマンド"):
        assert heading in readme
    assert "設計文書" in readme and "## Commands" not in readme


def test_english_docs_by_default() -> None:
    docs = read_docs("default")
    assert docs["infrastructure-design"].startswith("# Infrastructure design — shop")
    assert "on-call" in docs["operations-runbook"].lower()
    assert not any("\u3040" <= ch <= "\u30ff" for text in docs.values() for ch in text)


def test_helm_docs_point_at_charts_not_overlays() -> None:
    docs = read_docs("six-mixed-helm-ja")
    assert "helm/orders/values-<env>.yaml" in docs["cicd-pipeline"]
    assert "services/orders/overlays" not in docs["cicd-pipeline"]
    parasol = read_docs("six-mixed-helm-parasol")
    assert "kubernetes/helm/orders" in parasol["infrastructure-design"]


def test_generated_readme_explains_layout_and_commands() -> None:
    readme = (rendered("default") / "README.md").read_text()
    for needle in ("Why one Application per environment", "kubectl apply --server-side --force-conflicts -k bootstrap/",
                   "parasol-gitops bump", "git revert", "parasol-gitops update", "parasol-gitops validate ."):
        assert needle in readme
    for doc in DOCS:
        assert f"(docs/{doc}.md)" in readme


@pytest.mark.parametrize("name", SETS)
def test_docs_are_tidy_markdown(name: str) -> None:
    for doc, text in read_docs(name).items():
        assert text.endswith("\n") and not text.endswith("\n\n"), doc
        assert "\n\n\n" not in text, doc
        assert "{{" not in text and "{%" not in text, doc


@pytest.mark.parametrize("doc", DOCS)
def test_each_document_renders_alone_byte_identical(doc: str, tmp_path: Path) -> None:
    """Partial regeneration (``platform monitoring`` …) renders one document without the rest of the template:
    no document depends on state from another file."""
    import warnings

    import copier
    from conftest import ROOT

    full = rendered("default")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(str(ROOT), str(tmp_path / "one"), defaults=True, vcs_ref="HEAD", quiet=True,
                        exclude=["*", "!docs/", "docs/*", f"!docs/{doc}.md"])
    files = [p.relative_to(tmp_path / "one").as_posix() for p in (tmp_path / "one").rglob("*") if p.is_file()]
    assert files == [f"docs/{doc}.md"]
    assert (tmp_path / "one" / "docs" / f"{doc}.md").read_bytes() == (full / "docs" / f"{doc}.md").read_bytes()


# Display names, bounded contexts and tech stacks are free text from the design documents: YAML-significant
# characters, a Markdown pipe, an HTML bracket and Japanese must reach the documents unchanged (the pipe escaped)
# and never reach a YAML file other than the answers file, which Copier writes with a YAML dumper.
DESIGN_SERVICES = [
    {"name": "orders", "display_name": 'Orders: "core" # main', "japanese_name": "受注: サービス",
     "criticality": "core", "strategy": "canary",
     "bounded_contexts": ["Order-Taking", "Fulfilment: 出荷"],
     "tech_stack": {"language": "Go 1.22", "framework": "Gin", "database": "PostgreSQL 16", "api": "REST + gRPC",
                    "search": "Elasticsearch"}},
    {"name": "rnd", "display_name": "R&D | Lab <beta> 'x'", "criticality": "supporting",
     "bounded_contexts": ["RD-WaterScience"], "tech_stack": {"language": "Python #3.12"}},
    {"name": "notify", "display_name": "通知サービス（汎用）", "criticality": "generic"},
]


@pytest.fixture(scope="module", params=["en", "ja"])
def design_render(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    import warnings

    from parasol_gitops import scaffold

    dest = tmp_path_factory.mktemp("design") / "repo"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaffold.render(dest, {"project_name": "shop", "services": DESIGN_SERVICES, "docs_language": request.param,
                               "layout": "parasol" if request.param == "ja" else "standard"})
    return request.param, dest


def test_docs_describe_each_service_from_the_design(design_render: tuple[str, Path]) -> None:
    lang, root = design_render
    docs = {doc: (doc_dir(root) / f"{doc}.md").read_text(encoding="utf-8") for doc in DOCS}
    ja = lang == "ja"
    section = docs["infrastructure-design"].split("## " + ("サービスカタログ" if ja else "Service catalogue"))[1]
    rows = [line for line in section.split("\n## ")[0].splitlines() if line.startswith("| ")]
    catalogue = {line.split(" | ")[0][2:]: line for line in rows}
    assert list(catalogue)[1:] == ["orders", "rnd", "notify"]
    lang_label, fw, db = ("言語", "フレームワーク", "データベース") if ja else ("language", "framework", "database")
    assert catalogue["orders"] == (
        f'| orders | Orders: "core" # main（受注: サービス） | Core | Order-Taking, Fulfilment: 出荷 | '
        f"{lang_label}: Go 1.22; {fw}: Gin; {db}: PostgreSQL 16; API: REST + gRPC; search: Elasticsearch |")
    assert catalogue["rnd"] == (f"| rnd | R&D \\| Lab &lt;beta> 'x' | Supporting | RD-WaterScience | "
                                f"{lang_label}: Python #3.12 |")
    assert catalogue["notify"] == "| notify | 通知サービス（汎用） | Generic | — | — |"
    # every table row keeps its column count: the escaped pipe does not split a cell
    header = next(line for line in rows if line.startswith("| " + ("サービス" if ja else "Service") + " | "))
    assert header.count(" | ") == catalogue["rnd"].replace("\\|", "").count(" | ")
    strategy_rows = [line for line in docs["deployment-strategy"].splitlines() if line.startswith("| orders |")]
    analysis = "エラー率、p95 レイテンシ" if ja else "error rate, p95 latency"
    assert strategy_rows == ['| orders | Orders: "core" # main（受注: サービス） | Core | canary | Rollout | '
                             f"`orders` (stable), `orders-canary` | {analysis} |"]
    assert "| notify | 通知サービス（汎用） | Generic | rolling |" in docs["deployment-strategy"]
    assert mermaid_problems(docs["infrastructure-design"]) == []


def test_design_text_never_reaches_a_yaml_file(design_render: tuple[str, Path]) -> None:
    import yaml
    from conftest import find_tool, run_tool

    _, root = design_render
    result = run_tool([find_tool("yamllint"), "--strict", "."], cwd=root)
    assert result.returncode == 0, result.stdout
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        if "templates" not in path.relative_to(root).parts:  # Helm chart templates are Go templates, not YAML
            list(yaml.safe_load_all(text))
        if path.name != ".copier-answers.yml":
            for needle in ("Orders: ", "R&D", "通知サービス", "受注", "Fulfilment", "Python #3.12"):
                assert needle not in text, f"{path.relative_to(root)} prints {needle!r}"
    answers = final_answers(root)
    assert [s.get("display_name") for s in answers["services"]] == [s["display_name"] for s in DESIGN_SERVICES]
    assert answers["services"][0]["tech_stack"] == DESIGN_SERVICES[0]["tech_stack"]
