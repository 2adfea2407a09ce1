"""A wheel built from the repository carries the theme (templates, assets, KaTeX fonts) and every
module, and building it prints none of setuptools' "Package would be ignored" warnings."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "pyproject.toml", "README.md", "generator", "templates"],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [name for name in listing.splitlines() if (REPO / name).is_file()]


@pytest.mark.slow
def test_the_wheel_carries_the_theme_and_builds_quietly(tmp_path):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the git checkout")
    project = tmp_path / "project"  # a copy: building in the checkout would leave build/ and egg-info there
    files = tracked_files()
    for name in files:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, project / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(project), "--no-deps", "-v",
                            "-w", str(tmp_path / "dist")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "would be ignored" not in built.stdout + built.stderr
    assert "absent from the `packages` configuration" not in built.stdout + built.stderr

    (wheel,) = (tmp_path / "dist").glob("layerpress-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    theme = {"generator/theme/" + name.removeprefix("templates/") for name in files if name.startswith("templates/")}
    modules = {name for name in files if name.startswith("generator/")}
    assert theme - inside == set() and modules - inside == set()
    assert {"generator/theme/figure.html", "generator/theme/assets/css/style.css",
            "generator/theme/assets/katex/fonts/KaTeX_Main-Regular.woff2"} <= inside
