"""content/figures.lock: written by the build, tells 'inputs changed' from 'output drifted'."""

from __future__ import annotations

import json
import os

import pytest

from generator.lockfile import (INPUTS_CHANGED, OUTPUT_DRIFTED, LockDifference, LockfileError, lock_path,
                                read_lock, record_build, summarise)


def figure(figure_id: str, input_key: str, png_hash: str, post: str = "_posts/2026-01-01-hello.md") -> dict:
    """A figures.json entry, with the fields the lock uses and some it ignores."""
    return {"id": figure_id, "post": post, "line": 7, "kind": "samples", "cache_key": input_key,
            "outputs": {f"figures/hello/{figure_id}.png": png_hash, f"figures/hello/{figure_id}.npz": "npz-" + png_hash},
            "models": {}, "inputs": {}, "spec": {}, "versions": {}}


def test_first_build_writes_a_sorted_lock(tmp_path):
    assert record_build(tmp_path, [figure("b", "key-b", "hash-b"), figure("a", "key-a", "hash-a")]) == []
    written = json.loads(lock_path(tmp_path).read_text())
    assert [entry["id"] for entry in written["figures"]] == ["a", "b"]
    assert written["figures"][0] == {"id": "a", "post": "_posts/2026-01-01-hello.md", "input_key": "key-a",
                                     "outputs": {"figures/hello/a.npz": "npz-hash-a", "figures/hello/a.png": "hash-a"}}


def test_unchanged_build_leaves_the_file_untouched(tmp_path):
    record_build(tmp_path, [figure("a", "key-a", "hash-a")])
    os.utime(lock_path(tmp_path), ns=(1_000_000_000, 1_000_000_000))
    assert record_build(tmp_path, [figure("a", "key-a", "hash-a")]) == []
    assert lock_path(tmp_path).stat().st_mtime_ns == 1_000_000_000


def test_blog_without_figures_gets_no_lock_file(tmp_path):
    assert record_build(tmp_path, []) == []
    assert not lock_path(tmp_path).exists()


def test_new_inputs_are_reported_and_locked(tmp_path):
    record_build(tmp_path, [figure("a", "key-a", "hash-a")])
    differences = record_build(tmp_path, [figure("a", "key-a2", "hash-a2")])
    assert differences == [LockDifference("a", "_posts/2026-01-01-hello.md", INPUTS_CHANGED)]
    assert read_lock(tmp_path)[("_posts/2026-01-01-hello.md", "a")].input_key == "key-a2"


def test_same_inputs_other_output_is_a_drift_and_the_lock_keeps_the_old_hash(tmp_path):
    record_build(tmp_path, [figure("a", "key-a", "hash-a")])
    differences = record_build(tmp_path, [figure("a", "key-a", "hash-other")])
    assert [str(d) for d in differences] == [
        f"figure 'a' in _posts/2026-01-01-hello.md: {OUTPUT_DRIFTED} (figures/hello/a.npz, figures/hello/a.png)"]
    assert read_lock(tmp_path)[("_posts/2026-01-01-hello.md", "a")].outputs["figures/hello/a.png"] == "hash-a"


def test_removed_figures_leave_the_lock(tmp_path):
    record_build(tmp_path, [figure("a", "key-a", "hash-a"), figure("b", "key-b", "hash-b")])
    record_build(tmp_path, [figure("b", "key-b", "hash-b")])
    assert list(read_lock(tmp_path)) == [("_posts/2026-01-01-hello.md", "b")]


def test_malformed_lock_is_a_one_line_error(tmp_path):
    lock_path(tmp_path).write_text('{"version": 1,\n "figures": [\n')
    with pytest.raises(LockfileError) as raised:
        read_lock(tmp_path)
    assert raised.value.line == 3
    assert raised.value.message == "not valid JSON: Expecting value"
    assert raised.value.hint == "delete the file, the next build writes it again"


def test_drift_is_summarised_in_one_line_and_new_inputs_not_at_all(tmp_path):
    record_build(tmp_path, [figure(name, f"key-{name}", f"hash-{name}") for name in "abcde"])
    differences = record_build(tmp_path, [figure("a", "key-a", "other"), figure("b", "key-b", "other"),
                                          figure("c", "key-c", "other"), figure("d", "key-d", "other"),
                                          figure("e", "new-key", "other")])
    assert summarise(differences) == (
        "4 figures drawn on this machine differ from figures.lock ('a', 'b', 'c' and 1 more); "
        "`layerpress check` compares them by meaning, `layerpress freeze` publishes the same bytes everywhere")
    assert summarise([d for d in differences if d.what == INPUTS_CHANGED]) == ""
