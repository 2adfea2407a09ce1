"""Two builds at once on one source or destination: the second stops (build) or waits (serve)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from generator.buildlock import lock_path
from .conftest import png_bytes

HOLDER = """
import sys
from pathlib import Path
from generator.buildlock import build_lock
with build_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


class Holder:
    """Another process holding the build lock of `folder` until released."""

    def __init__(self, folder: Path):
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline() == "held\n"

    def release(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def holder():
    held = []

    def hold(folder):
        held.append(Holder(folder))
        return held[-1]

    yield hold
    for one in held:
        if one.process.poll() is None:
            one.release()


@pytest.mark.parametrize("locked", ["source", "dest"])
def test_second_build_stops_naming_the_running_one(blog, holder, locked):
    other = holder(blog.source if locked == "source" else blog.dest)
    blog.write("_posts/2020-01-03-new.md", "---\ntitle: New\n---\nNew.\n")
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, f"another build is running (pid {other.process.pid})", before)
    other.release()
    assert blog.build().status == 0
    assert (blog.dest / "2020/01/03/new.html").is_file()


def test_clean_stops_while_a_build_runs(blog, holder):
    other = holder(blog.dest)
    before = blog.everything(with_cache=True)
    run = blog.run("clean", "--source", str(blog.source), "--dest", str(blog.dest))
    assert run.status == 1 and f"another build is running (pid {other.process.pid})" in run.err
    assert blog.everything(with_cache=True) == before


def test_a_lock_left_by_a_dead_build_does_not_block(blog):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(blog.source).write_text(dead.stdout)
    blog.write("_posts/2020-01-03-new.md", "---\ntitle: New\n---\nNew.\n")
    run = blog.build()
    assert run.status == 0, run


def test_simultaneous_builds_leave_one_complete_site(blog):
    blog.write("probes/x.png", png_bytes(size=(6, 4)))
    blog.post("```figure\nkind: reshape\nprobe: probes/x.png\nid: probe\n```\n")
    command = [sys.executable, "-m", "generator", "build", "--source", str(blog.source), "--dest", str(blog.dest),
               "--quiet"]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=blog.root) for _ in range(3)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    assert any(status == 0 for status, _ in results), results
    for status, err in results:
        assert status == 0 and err == "" or status == 1 and "another build is running (pid " in err, results
    built = {p.relative_to(blog.dest).as_posix(): p.read_bytes() for p in blog.dest.rglob("*") if p.is_file()}
    assert blog.build().status == 0
    assert {p.relative_to(blog.dest).as_posix(): p.read_bytes() for p in blog.dest.rglob("*") if p.is_file()} == built
    assert "figures/hostile/probe.png" in built
    leftovers = [p.name for p in blog.root.iterdir() if p.name.startswith(".out-")]
    assert leftovers == []
    incoming = blog.source / ".layerpress-cache" / "figures" / ".incoming"
    assert not incoming.exists() or not any(incoming.iterdir())


def test_serve_waits_for_a_running_build(blog, holder):
    from generator.serve import PreviewServer, ServeOptions

    other = holder(blog.source)
    server = PreviewServer(ServeOptions(source=blog.source, port=0))
    started = threading.Thread(target=server.start)
    started.start()
    time.sleep(1.5)
    assert started.is_alive() and server.events.state.generation == 0  # waiting, not failing
    other.release()
    started.join(timeout=60)
    try:
        assert server.events.state.generation == 1
    finally:
        server.stop()


def test_a_planted_lock_folder_is_refused(blog, monkeypatch, tmp_path):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    (tmp_path / "tmp" / f"layerpress-locks-{os.getuid()}").symlink_to(tmp_path / "elsewhere")
    before = blog.everything()
    run = blog.build()
    assert run.status == 1 and "is not a folder of yours" in run.err, run
    assert blog.everything() == before
