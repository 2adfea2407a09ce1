import pytest

from generator.cache import Store, digest


def write_two_files(folder):
    (folder / "a.txt").write_text("alpha")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.bin").write_bytes(b"\x00\x01")


def test_digest_ignores_key_order_and_tells_values_apart():
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})
    assert digest({"a": 1}) != digest({"a": 2})


def test_put_then_get_returns_the_entry(tmp_path):
    store = Store(tmp_path)
    path = store.put("ab12", write_two_files)
    assert store.get("ab12", deep=True) == path
    assert (path / "sub" / "b.bin").read_bytes() == b"\x00\x01"
    assert set(store.manifest("ab12")) == {"a.txt", "sub/b.bin"}


def test_missing_entry_is_a_miss(tmp_path):
    assert Store(tmp_path).get("cd34") is None


def test_truncated_file_is_detected_and_removed(tmp_path):
    store = Store(tmp_path)
    path = store.put("ab12", write_two_files)
    (path / "a.txt").write_text("alp")
    assert store.get("ab12") is None
    assert not path.exists()


def test_same_size_corruption_is_caught_by_the_first_get(tmp_path, capsys):
    path = Store(tmp_path).put("ab12", write_two_files)
    (path / "a.txt").write_text("ALPHA")
    assert Store(tmp_path).get("ab12") is None
    assert not path.exists()
    assert "is damaged (a.txt differs from its manifest): dropped, computing it again" in capsys.readouterr().err


def test_later_gets_compare_sizes_unless_deep(tmp_path):
    store = Store(tmp_path)
    path = store.put("ab12", write_two_files)
    assert store.get("ab12") == path
    (path / "a.txt").write_text("ALPHA")
    assert store.get("ab12") == path
    assert store.get("ab12", deep=True) is None


def test_entry_without_manifest_counts_as_half_written(tmp_path):
    store = Store(tmp_path)
    half = store.entry_path("ef56")
    half.mkdir(parents=True)
    (half / "model.keras").write_bytes(b"partial")
    assert store.get("ef56") is None
    assert not half.exists()


def test_failed_fill_leaves_no_entry(tmp_path):
    store = Store(tmp_path)

    def fail(folder):
        (folder / "x").write_text("x")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        store.put("ab12", fail)
    assert store.get("ab12") is None
    assert not any((tmp_path / ".incoming").iterdir())


def test_a_write_that_restores_the_mtime_is_still_caught(tmp_path):
    import os

    path = Store(tmp_path).put("ab12", write_two_files)
    before = (path / "a.txt").stat()
    (path / "a.txt").write_text("ALPHA")
    os.utime(path / "a.txt", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert Store(tmp_path).get("ab12") is None


def test_write_atomically_replaces_whole_files_and_leaves_no_scratch(tmp_path, monkeypatch):
    import os

    from generator.cache import write_atomically

    target = tmp_path / "new" / "folder" / "state.json"
    write_atomically(target, "first ✓")
    assert target.read_text(encoding="utf-8") == "first ✓"
    write_atomically(target, b"\x00second")
    assert target.read_bytes() == b"\x00second"

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "third")
    assert target.read_bytes() == b"\x00second"            # the old file, whole
    assert sorted(p.name for p in target.parent.iterdir()) == ["state.json"]   # no scratch left behind
