""".github/workflows/pages.yml, and the one `layerpress init` writes into a new blog: each parses as YAML
and builds from the frozen results, training nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.content.starter import write_starter_blog

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module", params=["repository", "init"])
def workflow(request, tmp_path_factory) -> dict:
    if request.param == "repository":
        return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    blog = tmp_path_factory.mktemp("init") / "blog"
    write_starter_blog(blog)
    return yaml.safe_load((blog / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))


def step(job: dict, action: str) -> dict:
    found = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{action} should be used once"
    return found[0]


def test_runs_on_push_with_pages_permissions_and_one_deployment_at_a_time(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"


def test_build_job_installs_then_builds_from_frozen_results_only(workflow):
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    order = [steps.index(step(build, name)) for name in
             ["actions/checkout", "actions/setup-python", "actions/upload-pages-artifact"]]
    assert order == sorted(order)
    assert step(build, "actions/setup-python")["with"]["python-version"] == "3.11"
    runs = [s.get("run", "") for s in steps]
    install = next(i for i, run in enumerate(runs) if run.startswith("pip install"))
    (build_index,) = [i for i, run in enumerate(runs) if run.startswith("layerpress build")]
    assert runs[build_index].split() == ["layerpress", "build", "--frozen", "--source", "content", "--dest", "site"]
    assert order[1] < install < build_index < order[2]


def test_no_model_cache_and_no_training_step(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    assert not [s for s in steps if s.get("uses", "").startswith("actions/cache")]
    assert not [s for s in steps if "train" in s.get("run", "") or "freeze" in s.get("run", "")]


def test_deploy_job_uses_the_official_action_after_the_build(workflow):
    upload = step(workflow["jobs"]["build"], "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert step(deploy, "actions/deploy-pages")["id"] == "deployment"


def test_pull_requests_build_in_safe_mode_with_read_only_permissions_and_deploy_nothing(workflow):
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers
    job = workflow["jobs"]["pull-request"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in job["steps"]]
    assert [run.split() for run in runs if run.startswith("layerpress")] == [
        ["layerpress", "build", "--frozen", "--safe", "--source", "content", "--dest", "site"]]
    assert not [s for s in job["steps"] if "pages" in s.get("uses", "")]
    assert workflow["jobs"]["build"]["if"] == "github.event_name != 'pull_request'"
