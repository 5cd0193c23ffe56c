"""The generated README tells a new team what its CI needs before the first push (issue 10, item 3): where each
service's source, tests and Dockerfile must be, where the end-to-end, load and alert tests live, and how to add a
service. The places it names are the ones the rendered pipeline.yaml points the jobs at."""

from __future__ import annotations

import pytest
import yaml
from _scaffold_renders import rendered


@pytest.mark.parametrize("name", ["default", "six-mixed-helm-ja"])
def test_readme_names_every_input_the_pipeline_reads(name: str) -> None:
    repo = rendered(name)
    readme = (repo / "README.md").read_text(encoding="utf-8")
    spec = yaml.safe_load((repo / "pipeline.yaml").read_text(encoding="utf-8"))
    section = readme.split("## What the CI needs", 1)[-1] if "## What the CI needs" in readme else \
        readme.split("## CI がこのリポジトリに求めるもの", 1)[1]
    for svc in spec["services"]:
        assert f"`{svc['path']}/`" in section, svc["name"]
        assert svc["dockerfile"] == f"{svc['path']}/Dockerfile"  # the build job looks exactly there
    assert "`tests/e2e/`" in section and "`tests/performance/`" in section and "`tests/alerts/`" in section
    assert (repo / "tests" / "performance" / "load.js").is_file()  # generated, as the README says
    assert any((repo / "tests" / "alerts").rglob("*.test.yaml"))
    assert "parasol-gitops service add" in section
