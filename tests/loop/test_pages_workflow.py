""".github/workflows/pages.yml: parses as YAML and has the steps a cached Pages deployment needs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def step(job: dict, action: str) -> dict:
    found = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{action} should be used once"
    return found[0]


def test_runs_on_push_with_pages_permissions_and_one_deployment_at_a_time(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"


def test_build_job_installs_caches_and_builds_in_order(workflow):
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    order = [steps.index(step(build, name)) for name in
             ["actions/checkout", "actions/setup-python", "actions/cache", "actions/upload-pages-artifact"]]
    assert order == sorted(order)
    assert step(build, "actions/setup-python")["with"]["python-version"] == "3.11"
    runs = [s["run"] for s in steps if "run" in s]
    assert any(run.startswith("pip install") for run in runs)
    build_index = next(i for i, s in enumerate(steps) if s.get("run", "").startswith("layerpress build"))
    assert order[2] < build_index < order[3]


def test_cache_keeps_the_model_and_figure_cache_keyed_on_specs_data_and_version(workflow):
    cache = step(workflow["jobs"]["build"], "actions/cache")["with"]
    assert cache["path"] == "content/.layerpress-cache"
    for inputs in ["content/_models/**", "content/_data/**", "pyproject.toml"]:
        assert f"'{inputs}'" in cache["key"]
    assert cache["key"].startswith(cache["restore-keys"].strip())


def test_deploy_job_uses_the_official_action_after_the_build(workflow):
    upload = step(workflow["jobs"]["build"], "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert step(deploy, "actions/deploy-pages")["id"] == "deployment"
