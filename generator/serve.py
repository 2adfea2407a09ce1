"""`layerpress serve`: build, serve on localhost, rebuild on change, live-reload open pages.

The preview is built into a temporary folder, never into `site/`, so serving does not
clobber a build that is about to be published (MkDocs does the same). The model and
figure caches are the blog's own, so a rebuild only recomputes what changed.

Live reload needs no outside service: every HTML response gets a small script that
listens to a Server-Sent-Events stream at EVENTS_PATH and reloads the page on a
"reload" event, or shows the one-line message of an "error" event over the page.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import logging
import shutil
import tempfile
import threading
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click

from generator.config import Paths
from generator.errors import LayerpressError
from generator.builtin_theme import THEME_DIR

log = logging.getLogger(__name__)

EVENTS_PATH = "/__layerpress__/events"
DEBOUNCE_SECONDS = 0.2
KEEPALIVE_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0
# Files that editors write beside the real one while saving (Emacs, Vim, JetBrains, Kate, macOS).
EDITOR_TEMP_PATTERNS = (".#*", "*~", "*.swp", "*.swx", "*.swo", "4913", "*.tmp",
                        "___jb_*___", "*.kate-swp", ".DS_Store")
# Written by the build itself: reacting to them would rebuild in a loop.
BUILD_OUTPUT_NAMES = ("figures.lock",)
CHANGE_EVENT_TYPES = {"created", "modified", "deleted", "moved", "closed"}


class ServeError(LayerpressError):
    """The preview server cannot start."""


@dataclass
class ServeOptions:
    source: Path = Path("content")
    host: str = "127.0.0.1"
    port: int = 4000                     # 0 picks a free port
    drafts: bool = False
    future: bool = False
    unpublished: bool = False


@dataclass(frozen=True)
class BuildState:
    """What open pages need to know: how many good builds so far, and the current error."""

    generation: int = 0
    error: str | None = None
    error_serial: int = 0


class BuildEvents:
    """The latest build state, and a way for event streams to wait until it changes."""

    def __init__(self):
        self._state = BuildState()
        self._changed = threading.Condition()
        self.closed = False

    @property
    def state(self) -> BuildState:
        with self._changed:
            return self._state

    def succeeded(self) -> None:
        self._publish(BuildState(self._state.generation + 1, None, self._state.error_serial))

    def failed(self, message: str) -> None:
        self._publish(BuildState(self._state.generation, message, self._state.error_serial + 1))

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait_for_change(self, seen: BuildState, timeout: float) -> BuildState:
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._state != seen, timeout)
            return self._state

    def _publish(self, state: BuildState) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()


def event_for(seen: BuildState, now: BuildState) -> tuple[str, str] | None:
    """The (event, data) that takes a page from `seen` to `now`, if any."""
    if now.generation != seen.generation:  # also a page left open from an earlier `serve`
        return "reload", json.dumps(now.generation)
    if now.error and now.error_serial != seen.error_serial:
        return "error", json.dumps(now.error)
    return None


@functools.cache
def client_script() -> str:
    script = resources.files("generator").joinpath("livereload.js").read_text(encoding="utf-8")
    return script.replace("__EVENTS__", EVENTS_PATH)


def inject_client(html: bytes, generation: int) -> bytes:
    """The page with the live-reload script added before its closing </body>."""
    script = client_script().replace("__GENERATION__", str(generation))
    tag = f"<script>\n{script}</script>\n".encode()
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


class PreviewHandler(SimpleHTTPRequestHandler):
    """Static files of the last good build, with the live-reload script and event stream."""

    def __init__(self, *args, preview: PreviewServer, **kwargs):
        self.preview = preview
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == EVENTS_PATH:
            self.stream_events(parse_qs(url.query).get("since", ["0"])[0])
            return
        if self.preview.site_path(url.path) is None:
            self.send_error(HTTPStatus.NOT_FOUND, f"the site lives under {self.preview.baseurl}/")
            return
        fs_path = self.translate_path(self.path)
        page = self.html_page(fs_path)
        if page is not None:
            self.send_html(page, HTTPStatus.OK)
        elif not Path(fs_path).exists() and self.not_found_page().is_file():
            self.send_html(self.not_found_page(), HTTPStatus.NOT_FOUND)
        else:
            super().do_GET()

    def translate_path(self, path: str) -> str:
        return super().translate_path(self.preview.site_path(urlsplit(path).path) or "/")

    def html_page(self, fs_path: str) -> Path | None:
        path = Path(fs_path)
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        return path if path.suffix in (".html", ".htm") and path.is_file() else None

    def not_found_page(self) -> Path:
        return Path(self.directory) / "404.html"

    def send_html(self, path: Path, status: HTTPStatus) -> None:
        body = inject_client(path.read_bytes(), self.preview.events.state.generation)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def stream_events(self, since: str) -> None:
        events = self.preview.events
        seen = BuildState(int(since) if since.isdigit() else 0, None, 0)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while not events.closed:
                now = events.wait_for_change(seen, KEEPALIVE_SECONDS)
                event = event_for(seen, now)
                message = f"event: {event[0]}\ndata: {event[1]}\n\n" if event else ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would drown the build messages


class ChangeHandler:
    """Watchdog handler: a real change to a source or theme file asks for a rebuild."""

    def __init__(self, ignored_roots: list[Path], on_change):
        self.ignored_roots = [root.resolve() for root in ignored_roots]
        self.on_change = on_change

    def dispatch(self, event) -> None:
        if event.event_type not in CHANGE_EVENT_TYPES:
            return  # opened / closed-without-writing: the build reading its inputs
        if event.is_directory and event.event_type in ("modified", "closed"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if any(self.is_relevant(Path(p)) for p in paths if p):
            self.on_change()

    def is_relevant(self, path: Path) -> bool:
        path = path.resolve()
        if any(path.is_relative_to(root) for root in self.ignored_roots) or ".git" in path.parts:
            return False
        name = path.name
        return name not in BUILD_OUTPUT_NAMES and not any(
            fnmatch.fnmatchcase(name, pattern) for pattern in EDITOR_TEMP_PATTERNS)


class PreviewServer:
    """Build once, serve the result, rebuild on change. `start()` returns the URL; `stop()` ends."""

    def __init__(self, options: ServeOptions):
        self.options = options
        self.events = BuildEvents()
        self.baseurl = ""
        self._folder = Path(tempfile.mkdtemp(prefix="layerpress-serve-"))
        self._changed = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self._observer = None

    @property
    def site(self) -> Path:
        return self._folder / "site"

    @property
    def url(self) -> str:
        assert self._server is not None, "start() binds the server"
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}{self.baseurl}/"

    def start(self) -> str:
        from generator.config import load_config

        try:
            self.baseurl = load_config(self.options.source).baseurl
            self.rebuild_or_raise()
            self._server = self._bind()
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        self._observer = self._watch()
        self._spawn(self._server.serve_forever)
        self._spawn(self._rebuild_loop)
        return self.url

    def stop(self) -> None:
        self._stopping.set()
        self._changed.set()
        self.events.close()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=STOP_TIMEOUT_SECONDS)  # a long training may still run: it dies with the process
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def site_path(self, url_path: str) -> str | None:
        """The path inside the site for a URL path, as GitHub Pages serves a project site
        (baseurl /REPO) under /REPO/; None when the URL is outside the site."""
        if not self.baseurl:
            return url_path
        if url_path == self.baseurl or url_path.startswith(self.baseurl + "/"):
            return url_path[len(self.baseurl):] or "/"
        return None

    def wait(self) -> None:
        """Block until `stop()` is called (or Ctrl-C). In short waits: the kernel may hand SIGINT to
        another thread, and Python runs the handler (KeyboardInterrupt) only when the main thread
        wakes; a wait without a timeout then never ends (Ctrl-C ignored under load)."""
        while not self._stopping.wait(0.25):
            pass

    def rebuild_or_raise(self) -> None:
        from generator.build import BuildOptions, build

        options = self.options
        result = build(BuildOptions(source=options.source, dest=self.site, drafts=options.drafts,
                                    unpublished=options.unpublished, future=options.future,
                                    wait=True))
        self.events.succeeded()
        log.info("built %d pages in %.2f s", result.pages_written, result.seconds)

    def _rebuild(self) -> None:
        try:
            self.rebuild_or_raise()
        except LayerpressError as error:
            self.events.failed(str(error))
            log.error("%s", error)
        except Exception as error:  # a bug in a stage must not stop the preview
            traceback.print_exc()
            self.events.failed(f"internal error: {error!r}")

    def _rebuild_loop(self) -> None:
        while True:
            self._changed.wait()
            while True:  # debounce: wait until a burst of saves is over
                self._changed.clear()
                if self._stopping.wait(DEBOUNCE_SECONDS):
                    return
                if not self._changed.is_set():
                    break
            self._rebuild()

    def _bind(self) -> ThreadingHTTPServer:
        handler = functools.partial(PreviewHandler, directory=str(self.site), preview=self)
        try:
            return ThreadingHTTPServer((self.options.host, self.options.port), handler)
        except OSError as error:
            raise ServeError(f"cannot listen on {self.options.host}:{self.options.port}: {error.strerror}",
                             hint="pick another one with --port, or --port 0 for any free port") from None

    def _watch(self):
        from watchdog.observers import Observer

        source = Path(self.options.source)
        ignored = [Paths.of(source).cache_dir, source / "_freeze", self._folder]  # _freeze: `freeze: auto` writes it
        handler = ChangeHandler(ignored, self._changed.set)
        observer = Observer()
        for folder in [source, *theme_folders()]:
            observer.schedule(handler, str(folder), recursive=True)  # type: ignore[arg-type]  # duck-typed handler
        observer.start()
        return observer

    def _spawn(self, target) -> None:
        thread = threading.Thread(target=target, name=f"layerpress-{target.__name__}", daemon=True)
        thread.start()
        self._threads.append(thread)


def theme_folders() -> list[Path]:
    """The default theme's templates, watched too so theme edits reload the preview."""
    return [THEME_DIR] if THEME_DIR.is_dir() else []


def serve(options: ServeOptions) -> None:
    """Serve until Ctrl-C."""
    preview = PreviewServer(options)
    url = preview.start()
    click.echo(f"serving {url} (Ctrl-C to stop)", err=True)
    try:
        preview.wait()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        preview.stop()

