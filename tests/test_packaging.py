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
    return [name for name in listing.splitlines() if (REPO / name).is_file() or (REPO / name).is_symlink()]


@pytest.mark.slow
def test_the_wheel_carries_the_theme_and_builds_quietly(tmp_path):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the git checkout")
    project = tmp_path / "project"  # a copy: building in the checkout would leave build/ and egg-info there
    files = tracked_files()
    for name in files:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, project / name, follow_symlinks=False)  # generator/theme -> ../templates
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(project), "--no-deps", "-v",
                            "-w", str(tmp_path / "dist")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "would be ignored" not in built.stdout + built.stderr
    assert "absent from the `packages` configuration" not in built.stdout + built.stderr

    (wheel,) = (tmp_path / "dist").glob("layerpress-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    theme = {"generator/theme/" + name.removeprefix("templates/") for name in files if name.startswith("templates/")}
    modules = {name for name in files if name.startswith("generator/") and not (REPO / name).is_symlink()}
    assert theme - inside == set() and modules - inside == set()
    assert {"generator/theme/figure.html", "generator/theme/assets/css/style.css",
            "generator/theme/assets/katex/fonts/KaTeX_Main-Regular.woff2"} <= inside


@pytest.mark.slow
def test_the_editable_install_of_make_site_prints_nothing(tmp_path):
    """`make site` on a fresh clone: a venv, the newest pip (which shows the build backend's warnings),
    then `pip install --quiet -e .`. setuptools' "Editable installation" banner must not appear: the
    layout is simple, so the install is a plain .pth of the checkout."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs the git checkout")
    project = tmp_path / "project"
    for name in tracked_files():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, project / name, follow_symlinks=False)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    upgraded = subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], capture_output=True, text=True,
                              timeout=300)
    if upgraded.returncode != 0:
        pytest.skip(f"no package index to upgrade pip from: {upgraded.stderr[-300:]}")
    installed = subprocess.run([*pip, "install", "--quiet", "--no-deps", "-e", "."], cwd=project,
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert [line for line in (installed.stdout + installed.stderr).splitlines()
            if "Location" not in line] == []   # (the machine's pip.conf may name a missing local index)
    (pth,) = (venv / "lib").glob("python3*/site-packages/__editable__.layerpress-*.pth")
    assert pth.read_text().strip() == str(project)
