"""`layerpress serve`: time from saving a post to the "reload" event, on a 30-post blog without models."""

import http.client
import statistics
import tempfile
import time
from pathlib import Path

from generator.serve import DEBOUNCE_SECONDS, EVENTS_PATH, PreviewServer, ServeOptions

POSTS = 30
EDITS = 7


def write_blog(folder: Path) -> Path:
    (folder / "_posts").mkdir(parents=True)
    (folder / "_config.yml").write_text("title: Bench\nurl: https://example.org\n")
    for day in range(1, POSTS + 1):
        (folder / "_posts" / f"2026-01-{day:02d}-post-{day}.md").write_text(
            f"---\ntitle: Post {day}\n---\n" + f"Paragraph {day} with `code` and *emphasis*.\n\n" * 20)
    return folder


def next_reload(response) -> None:
    for raw in response:
        if raw.startswith(b"event: reload"):
            return


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        blog = write_blog(Path(folder) / "blog")
        started = time.perf_counter()
        with PreviewServer(ServeOptions(source=blog, port=0)) as server:
            first = time.perf_counter() - started
            host, port = server.url.split("/")[2].split(":")
            seconds = []
            for edit in range(EDITS):
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                connection.request("GET", f"{EVENTS_PATH}?since={server.events.state.generation}")
                response = connection.getresponse()
                saved = time.perf_counter()
                (blog / "_posts" / "2026-01-01-post-1.md").write_text(f"---\ntitle: Post 1\n---\nEdit {edit}.\n")
                next_reload(response)
                seconds.append(time.perf_counter() - saved)
                connection.close()
    print(f"serve start-up (first build of {POSTS} posts, bind, watch): {first * 1000:.0f} ms")
    print(f"save -> reload event: median {statistics.median(seconds) * 1000:.0f} ms over {EDITS} edits "
          f"(min {min(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms; "
          f"includes the {DEBOUNCE_SECONDS * 1000:.0f} ms debounce)")
