"""`layerpress serve`: a real server on a free loopback port, real file edits, real event stream."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from .conftest import fetch, make_blog, wait_until, write_post

from generator.build import BuildOptions, build
from generator.errors import LayerpressError
from generator.serve import EVENTS_PATH, ChangeHandler, PreviewServer, ServeError, ServeOptions

REPO = Path(__file__).resolve().parents[2]


class EventStream:
    """Reads a Server-Sent-Events stream in a thread; `next()` returns (event, data)."""

    def __init__(self, url: str, since: int):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.connection.request("GET", f"{EVENTS_PATH}?since={since}")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event = data = None
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = json.loads(line.removeprefix("data: "))
                elif not line and event:
                    self.events.put((event, data))
                    event = data = None
        except OSError:
            pass

    def next(self, seconds: float = 30) -> tuple[str, object]:
        try:
            return self.events.get(timeout=seconds)
        except queue.Empty:
            pytest.fail(f"no event within {seconds} s")

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def preview(tiny_blog):
    server = PreviewServer(ServeOptions(source=tiny_blog, port=0))
    server.start()
    yield server
    server.stop()


def post_url(preview: PreviewServer) -> str:
    """The URL of the tiny blog's post, wherever the permalink put it."""
    pages = [p for p in preview.site.rglob("*.html") if "hello" in p.relative_to(preview.site).as_posix()]
    assert len(pages) == 1, pages
    return preview.url + pages[0].relative_to(preview.site).as_posix()


def served_generation(html: str) -> int:
    return int(re.search(r"var generation = (\d+);", html).group(1))


def test_serves_on_loopback_with_the_live_reload_script(preview):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", preview.url)
    status, html = fetch(post_url(preview))
    assert status == 200
    assert "First words of the tiny blog." in html
    assert f'new EventSource("{EVENTS_PATH}?since=" + generation)' in html
    assert html.index("<script>") < html.lower().rindex("</body>")


def test_preview_is_built_outside_the_source_and_site_folders(preview, tiny_blog):
    assert not preview.site.is_relative_to(tiny_blog)
    assert not (tiny_blog.parent / "site").exists()


def test_edit_is_served_and_signalled_as_reload(preview, tiny_blog):
    url = post_url(preview)
    _, html = fetch(url)
    stream = EventStream(preview.url, served_generation(html))
    try:
        write_post(tiny_blog, "Second words, after an edit.")
        assert stream.next() == ("reload", served_generation(html) + 1)
        status, html = fetch(url)
        assert status == 200 and "Second words, after an edit." in html
    finally:
        stream.close()


def test_broken_edit_sends_the_error_and_keeps_the_last_good_site(preview, tiny_blog, tmp_path):
    url = post_url(preview)
    _, html = fetch(url)
    stream = EventStream(preview.url, served_generation(html))
    try:
        broken = "---\ntitle: [unclosed\n---\nBroken words.\n"
        (tiny_blog / "_posts" / "2026-01-01-hello.md").write_text(broken, encoding="utf-8")
        event, message = stream.next()
        assert event == "error"
        assert message == build_error_of(tiny_blog, tmp_path)
        assert "\n" not in message and "2026-01-01-hello.md:" in message
        status, html = fetch(url)
        assert status == 200 and "First words of the tiny blog." in html

        write_post(tiny_blog, "Fixed words.")
        assert stream.next() == ("reload", served_generation(html) + 1)
        assert "Fixed words." in fetch(url)[1]
    finally:
        stream.close()


def build_error_of(blog: Path, tmp_path: Path) -> str:
    """The one-line message a plain build of `blog` fails with."""
    with pytest.raises(LayerpressError) as raised:
        build(BuildOptions(source=blog, dest=tmp_path / "plain-build"))
    return str(raised.value)


def test_page_opened_after_a_failed_build_gets_the_error_at_once(preview, tiny_blog):
    _, html = fetch(post_url(preview))
    (tiny_blog / "_posts" / "2026-01-01-hello.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    wait_until(lambda: preview.events.state.error, what="the failed rebuild")
    stream = EventStream(preview.url, served_generation(html))
    try:
        assert stream.next() == ("error", preview.events.state.error)
    finally:
        stream.close()


def test_editor_temp_files_and_the_cache_do_not_trigger_rebuilds(tmp_path):
    changes = []
    handler = ChangeHandler([tmp_path / ".layerpress-cache"], lambda: changes.append(1))
    for name in [".#post.md", "post.md~", ".post.md.swp", "4913", ".layerpress-cache/figures/x.png",
                 "figures.lock"]:
        assert not handler.is_relevant(tmp_path / name), name
    assert handler.is_relevant(tmp_path / "_posts" / "2026-01-01-a.md")


def test_writes_into_the_frozen_results_do_not_trigger_rebuilds(preview, tiny_blog):
    """`freeze: auto` writes _freeze/ during a build: reacting to it would rebuild in a loop."""
    import time

    generation = wait_until(lambda: preview.events.state.generation, what="the first build")
    (tiny_blog / "_freeze" / "figures").mkdir(parents=True)
    (tiny_blog / "_freeze" / "figures" / "entry.json").write_text("{}")
    time.sleep(1.0)
    assert preview.events.state.generation == generation
    write_post(tiny_blog, "Edited words.")
    wait_until(lambda: preview.events.state.generation > generation, what="the rebuild after an edit")


def test_project_site_is_served_under_its_baseurl(tmp_path):
    blog = make_blog(tmp_path / "blog", baseurl="/proj")
    with PreviewServer(ServeOptions(source=blog, port=0)) as server:
        assert server.url.endswith("/proj/")
        status, html = fetch(post_url(server))
        assert status == 200 and "First words of the tiny blog." in html
        outside = post_url(server).replace("/proj/", "/")
        assert fetch(outside)[0] == 404


def test_busy_port_is_a_one_line_error(tiny_blog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = PreviewServer(ServeOptions(source=tiny_blog, port=port))
        with pytest.raises(ServeError) as raised:
            server.start()
    assert str(raised.value) == (f"cannot listen on 127.0.0.1:{port}: Address already in use "
                                 "(pick another one with --port, or --port 0 for any free port)")


# A shell starts a background job with SIGINT ignored, and a process keeps that across exec: a suite
# run in the background would start `serve` deaf to Ctrl-C. The launcher restores the default (as a
# terminal has it) before Python starts, so Python installs its KeyboardInterrupt handler.
WITH_DEFAULT_SIGINT = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                       "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


def start_serve(blog: Path) -> subprocess.Popen:
    """`layerpress serve` as a user starts it from a terminal (Ctrl-C is not ignored)."""
    return subprocess.Popen(
        [sys.executable, "-c", WITH_DEFAULT_SIGINT, "-m", "generator", "serve", "--source", str(blog), "--port", "0"],
        cwd=REPO, stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})


def test_cli_serves_until_ctrl_c(tiny_blog):
    process = start_serve(tiny_blog)
    try:
        lines = iter(process.stderr.readline, "")
        url = next(re.search(r"serving (http://\S+)", line).group(1) for line in lines if "serving" in line)
        assert url.startswith("http://127.0.0.1:")
        assert fetch(url)[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_page_from_an_earlier_server_reloads_at_once(preview):
    stream = EventStream(preview.url, since=preview.events.state.generation + 40)
    try:
        assert stream.next() == ("reload", preview.events.state.generation)
    finally:
        stream.close()


TGKILL = {"x86_64": 234, "aarch64": 131}  # Linux syscall numbers


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.uname().machine not in TGKILL,
                    reason="sends a signal to one thread with Linux's tgkill")
def test_ctrl_c_delivered_to_another_thread_still_stops_serve(tiny_blog):
    """The kernel may hand Ctrl-C's SIGINT to any thread of the process; Python raises the
    KeyboardInterrupt only when the main thread runs, so serve must not sleep without a timeout."""
    import ctypes

    process = start_serve(tiny_blog)
    try:
        url = next(re.search(r"serving (http://\S+)", line).group(1)
                   for line in iter(process.stderr.readline, "") if "serving" in line)
        assert fetch(url)[0] == 200
        threads = [int(tid) for tid in os.listdir(f"/proc/{process.pid}/task") if int(tid) != process.pid]
        assert threads, "serve runs its server in threads besides the main one"
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.syscall(TGKILL[os.uname().machine], process.pid, threads[0], signal.SIGINT) == 0
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
