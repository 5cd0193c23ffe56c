"""parasol_gitops/layout.py names where a generated repository keeps each service; every answer set's render must
put its services exactly there (the app graph, `service remove` and pipeline.yaml's default overlay rely on it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from _scaffold_renders import ANSWER_SETS, final_answers, rendered

from parasol_gitops import layout


def test_the_paths_are_recognised_and_nothing_else() -> None:
    assert layout.service_overlay("services/orders/overlays/production") == ("orders", "production")
    assert layout.service_overlay("x/services/orders/overlays/dev") == ("orders", "dev")
    assert layout.service_overlay("services/orders/base") is None
    assert layout.service_overlay("myservices/orders/overlays/dev") is None
    assert layout.chart_service("helm/orders") == "orders"
    assert layout.chart_service("kubernetes/helm/orders") == "orders"
    assert layout.chart_service("helm/orders/templates") is None
    assert layout.values_env("values-staging.yaml") == "staging"
    assert layout.values_env("values-staging.yml") == "staging"
    assert layout.values_env("values.yaml") is None
    assert layout.OVERLAY_PATTERN.format(service="a", env="b") == "services/a/overlays/b"


@pytest.mark.parametrize("name", sorted(ANSWER_SETS))
def test_every_render_keeps_its_services_where_layout_says(name: str) -> None:
    root = rendered(name)
    answers = final_answers(root)
    services = [s["name"] for s in answers["services"]]
    envs = [e["name"] for e in answers["environments"]]
    # every folder below a service root is a service, and every service has its folder there
    found = {p.name for folder in layout.service_roots(root) if folder.is_dir() for p in folder.iterdir()}
    assert found == set(services)
    overlay = yaml.safe_load((root / "pipeline.yaml").read_text(encoding="utf-8"))["gitops"]["overlay"]
    for svc in services:
        assert any(f.is_dir() for f in layout.service_folders(root, svc)), svc
        assert [p.relative_to(root).as_posix() for p in layout.service_apps(root, svc)] == sorted(
            f"{layout.APPS_DIR}/{env}/{svc}.yaml" for env in envs)
        for env in envs:
            # where a deploy sets the image (pipeline.yaml's gitops.overlay) exists, and the layout names it so
            target = overlay.format(service=svc, env=env)
            if answers["packaging"] == "helm":
                assert (root / target).is_file(), target
                folder, _, file_name = target.rpartition("/")
                assert (layout.chart_service(folder), layout.values_env(file_name)) == (svc, env)
            else:
                assert target == layout.OVERLAY_PATTERN.format(service=svc, env=env)
                assert (root / target / "kustomization.yaml").is_file(), target
                assert layout.service_overlay(target) == (svc, env)


def test_pipeline_default_overlay_is_the_layouts(tmp_path: Path) -> None:
    from parasol_gitops import resources
    from parasol_gitops.pipeline.specfile import load_spec

    example = yaml.safe_load((resources.pipelines_dir() / "examples" / "single-service.yaml").read_text("utf-8"))
    example.pop("gitops", None)
    spec = tmp_path / "pipeline.yaml"
    spec.write_text(yaml.safe_dump(example), encoding="utf-8")
    assert load_spec(spec)["gitops"]["overlay"] == layout.OVERLAY_PATTERN
