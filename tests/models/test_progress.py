"""Progress while a model trains, and the reason it trains: which input of its cache key changed."""

import re

import pytest

from generator.models.reasons import key_difference
from generator.models.store import ModelStore

INPUTS = {"spec": {"layers": [["Dense", [], {"units": 3}]], "fit": {"epochs": 3}, "seed": 1},
          "files": {}, "data": "abc", "versions": {"tensorflow": "2.20.0", "keras": "3.10.0"}}


def changed(**parts) -> dict:
    return {**INPUTS, **parts}


@pytest.mark.parametrize("new, reason", [
    (changed(spec={**INPUTS["spec"], "fit": {"epochs": 4}}), "spec changed: fit"),
    (changed(spec={**INPUTS["spec"], "seed": 2}), "seed changed: 1 -> 2"),
    (changed(data="abd"), "data changed"),
    (changed(versions={"tensorflow": "2.21.0", "keras": "3.10.0"}), "tensorflow 2.20.0 -> 2.21.0"),
    (changed(files={"weights": "f00"}), "weights file changed"),
    (changed(data="abd", spec={**INPUTS["spec"], "fit": {"epochs": 4}, "layers": []}),
     "spec changed: fit, layers; data changed"),
])
def test_key_difference_names_what_changed(new, reason):
    assert key_difference(INPUTS, new) == reason


@pytest.mark.slow
def test_a_changed_spec_is_retrained_and_says_why(tmp_path, make_blog, tiny_spec, capsys):
    source = make_blog(tmp_path / "blog", {"tiny": tiny_spec})
    store = ModelStore(source, tmp_path / "cache")
    first = store.record("tiny")
    lines = capsys.readouterr().err.splitlines()
    progress = [line for line in lines if line.startswith("tiny: epoch")]
    assert len(progress) == 3  # one line per epoch when stderr is not a terminal
    assert re.fullmatch(r"tiny: epoch 3/3, 0:00 left, val_accuracy \d\.\d{4} \(not in the cache\)", progress[-1])
    assert first["trained_because"] == "not in the cache"

    (source / "_models" / "tiny.yml").write_text(tiny_spec.replace("fit: {epochs: 3", "fit: {epochs: 2"))
    again = ModelStore(source, tmp_path / "cache")
    assert not again.is_cached("tiny")
    second = again.record("tiny")
    assert again.trainings == 1 and second["epochs"] == 2
    assert second["trained_because"] == "spec changed: fit"
    assert "tiny: epoch 2/2, 0:00 left" in capsys.readouterr().err

    (source / "_models" / "tiny.yml").write_text(tiny_spec.replace("seed: 11", "seed: 12"))
    third = ModelStore(source, tmp_path / "cache").record("tiny")
    assert third["trained_because"] == "seed changed: 11 -> 12; spec changed: fit"  # against the newest: 2 epochs
    assert ModelStore(source, tmp_path / "cache", force=True).record("tiny")["trained_because"] == "forced"
