"""`layerpress models` / `layerpress train`, and the no-TensorFlow promise of the cheap paths."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli, main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_train_then_list_as_json_and_table(tmp_path, make_blog, tiny_spec):
    source = make_blog(tmp_path / "blog", {"tiny": tiny_spec})
    runner = CliRunner()
    before = json.loads(runner.invoke(cli, ["models", "--source", str(source), "--json"]).output)
    assert [(row["ref"], row["state"], row["cached"], row["test_accuracy"], row["from"]) for row in before] == [
        ("tiny", "missing", False, None, None), ("tiny:sgd", "missing", False, None, None)]
    result = runner.invoke(cli, ["train", "tiny", "--source", str(source), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("tiny: trained; test accuracy ")
    again = runner.invoke(cli, ["train", "tiny", "--source", str(source), "--quiet"])
    assert again.output.startswith("tiny: cached; ")
    rows = json.loads(runner.invoke(cli, ["models", "--source", str(source), "--json"]).output)
    record_path = next((source / ".layerpress-cache").glob("models/*/*/record.json"))
    record = json.loads(record_path.read_text())
    assert rows[0] == {"ref": "tiny", "state": "cached", "cached": True, "cache_key": record["cache_key"],
                       "test_accuracy": record["metrics"]["test_accuracy"],
                       "test_loss": record["metrics"]["test_loss"], "metrics": record["metrics"],
                       "params": record["params"], "epochs": 3, "best_epoch": record["best_epoch"],
                       "from": str(record_path)}
    assert rows[1]["cached"] is False
    table = runner.invoke(cli, ["models", "--source", str(source)]).output.splitlines()
    assert table[0].split() == ["model", "state", "test", "acc", "test", "loss", "params", "epochs", "best", "from"]
    assert table[1].split() == ["tiny", "cached", f"{record['metrics']['test_accuracy']:.4f}",
                                f"{record['metrics']['test_loss']:.4f}", str(record["params"]), "3",
                                str(record["best_epoch"]), "cache", record["cache_key"][:12]]


@pytest.mark.slow
def test_list_shows_frozen_results_without_a_cache(tmp_path, make_blog, tiny_spec):
    """After a clone (or `make site` from the committed results) nothing is cached, yet every quoted
    number is there: `models` says so, and where it comes from."""
    from generator.freeze import FrozenResults
    from generator.models.store import ModelStore

    source = make_blog(tmp_path / "blog", {"tiny": tiny_spec})
    store = ModelStore(source, tmp_path / "trained")
    entry = store.cached_entry("tiny")
    FrozenResults(source).put_model(store.input_key("tiny"), entry, ["record.json"])
    record = json.loads((entry / "record.json").read_text())
    runner = CliRunner()
    arguments = ["models", "--source", str(source), "--cache-dir", str(tmp_path / "empty")]
    rows = json.loads(runner.invoke(cli, [*arguments, "--json"]).output)
    frozen = next(source.glob("_freeze/models/*/*/record.json"))
    assert (rows[0]["state"], rows[0]["metrics"], rows[0]["from"]) == ("frozen", record["metrics"], str(frozen))
    assert (rows[1]["state"], rows[1]["metrics"], rows[1]["from"]) == ("missing", None, None)
    table = runner.invoke(cli, arguments).output.splitlines()
    assert table[1].split()[:3] == ["tiny", "frozen", f"{record['metrics']['test_accuracy']:.4f}"]
    assert table[1].split()[-2:] == ["_freeze", store.input_key("tiny")[:12]]
    assert table[2].split() == ["tiny:sgd", "missing", "-", "-", "-", "-", "-", "-"]


def test_bad_name_is_one_line_exit_1(tmp_path, capsys, monkeypatch, make_blog, tiny_spec):
    monkeypatch.chdir(tmp_path)
    make_blog(tmp_path / "content", {"tiny": tiny_spec})
    with pytest.raises(SystemExit) as exit_:
        main(["train", "tiyn"])
    assert exit_.value.code == 1
    assert capsys.readouterr().err == "error: unknown model 'tiyn' (did you mean 'tiny'?)\n"


CHEAP = """
import sys
from pathlib import Path
from generator.models.store import ModelStore
store = ModelStore(Path(sys.argv[1]), Path(sys.argv[2]))
print(store.names(), store.cache_key('tiny'), store.is_cached('tiny'), store.record('tiny')['epochs'],
      store.spec('tiny:sgd').fit['epochs'])
print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))
"""


@pytest.mark.slow
def test_cached_model_needs_no_tensorflow(tmp_path, make_blog, tiny_spec):
    from generator.models.store import ModelStore

    source = make_blog(tmp_path / "blog", {"tiny": tiny_spec})
    store = ModelStore(source, tmp_path / "cache")
    store.record("tiny")
    result = subprocess.run([sys.executable, "-c", CHEAP, str(source), str(tmp_path / "cache")], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    first, imported = result.stdout.splitlines()
    assert first == f"['tiny'] {store.cache_key('tiny')} True 3 2"
    assert imported == "[]"
