"""`layerpress new`, `clean`, `--help`, and a build that never imports TensorFlow, Keras or matplotlib."""

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.newpost import write_new_post
from generator.errors import ContentError

REPO = Path(__file__).resolve().parents[2]


def test_build_of_the_default_blog_imports_no_heavy_library(tmp_path):
    script = (
        "import sys\n"
        "from generator.cli import main\n"
        f"main(['build', '--source', {str(REPO / 'content')!r}, '--dest', {str(tmp_path / 'site')!r}, '--quiet'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'matplotlib'))\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
    assert (tmp_path / "site" / "index.html").is_file()


def test_new_writes_a_dated_post_that_builds(blog):
    when = datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)
    path = write_new_post(blog.source, "Why Conv Nets: See!", now=when)
    assert path == blog.source / "_posts" / "2026-11-21-why-conv-nets-see.md"
    assert path.read_text().startswith(
        "---\nlayout: post\ntitle: 'Why Conv Nets: See!'\ndate: 2026-11-21 09:30:00 +0000\ncategories: []\n---\n")
    assert blog.build() == 0
    assert "2026/11/21/why-conv-nets-see.html" in blog.files()
    with pytest.raises(ContentError, match="a post with this name already exists"):
        write_new_post(blog.source, "Why Conv Nets: See!", now=when)


def test_new_and_clean_commands(blog, capsys):
    main(["new", "Hello there", "--source", str(blog.source)])
    created = Path(capsys.readouterr().out.strip())
    assert created.parent == blog.source / "_posts" and created.name.endswith("-hello-there.md")
    assert blog.build() == 0
    (blog.source / ".layerpress-cache").mkdir(exist_ok=True)
    main(["clean", "--source", str(blog.source), "--dest", str(blog.dest)])
    assert not blog.dest.exists() and not (blog.source / ".layerpress-cache").exists()
    assert created.exists()


@pytest.mark.parametrize("command", ["build", "new", "clean"])
def test_help_of_each_command(command, capsys):
    main([command, "--help"])
    assert f"Usage: layerpress {command}" in capsys.readouterr().out
