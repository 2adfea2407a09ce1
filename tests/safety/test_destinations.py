"""Destinations: build, clean, check and publish refuse folders whose replacement would lose work."""

from __future__ import annotations

import os
import subprocess

import pytest

from generator.destination import MARKER

REFUSED = "refusing to use"


def git_init(folder):
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "--quiet", str(folder)], check=True)


# name: (setup(blog) -> dest argument, message)
def dest_is_source(blog):
    return blog.source


def dest_in_posts(blog):
    return blog.source / "_posts"


def dest_in_models(blog):
    (blog.source / "_models").mkdir()
    return blog.source / "_models" / "site"


def dest_read_as_pages(blog):
    return blog.source / "docs"


def dest_holds_source(blog):
    return blog.root


def dest_is_cwd(blog):
    work = blog.root / "work"
    work.mkdir()
    (work / "plan.txt").write_text("mine\n")
    os.chdir(work)
    return "."


def dest_is_parent_of_cwd(blog):
    work = blog.root / "elsewhere" / "work"
    work.mkdir(parents=True)
    os.chdir(work)
    return ".."


def dest_is_home(blog):
    return "~"


def dest_holds_home(blog):
    return blog.home.parent


def dest_is_git_work_tree(blog):
    project = blog.root / "project"
    git_init(project)
    (project / "main.c").write_text("int main(void) { return 0; }\n")
    return project


def dest_holds_git_work_tree(blog):
    projects = blog.root / "projects"
    git_init(projects / "one")
    (projects / "one" / "README").write_text("one\n")
    (projects / "todo.txt").write_text("x\n")
    return projects


def dest_not_a_site(blog):
    photos = blog.root / "photos"
    photos.mkdir()
    (photos / "holiday.jpg").write_bytes(b"\xff\xd8 not really")
    return photos


def dest_is_a_file(blog):
    (blog.root / "notes.md").write_text("# notes\n")
    return blog.root / "notes.md"


def dest_below_a_file(blog):
    (blog.root / "notes.md").write_text("# notes\n")
    return blog.root / "notes.md" / "site"


def dest_symlink_to_source(blog):
    (blog.root / "link").symlink_to(blog.source)
    return blog.root / "link"


def dest_git_tree_without_kept_git(blog):
    git_init(blog.dest)
    (blog.dest / MARKER).write_text("")
    blog.write("_config.yml", "title: Safety\nkeep_files: [CNAME]\n")
    return blog.dest


def dest_is_dot_git(blog):
    git_init(blog.source)
    return blog.source / ".git"


def dest_is_the_theme(blog):
    from generator.site import THEME_DIR

    return THEME_DIR


def dest_is_the_blogs_theme(blog):
    theme = blog.root / "mytheme"
    (theme / "_layouts").mkdir(parents=True)
    (theme / "_layouts" / "default.html").write_text("<main>{{ content }}</main>\n")
    blog.write("_config.yml", "title: Safety\ntheme: ../mytheme\nlayerpress: {shared_folders: [../mytheme]}\n")
    return theme


def dest_inside_the_blogs_theme(blog):
    return dest_is_the_blogs_theme(blog) / "assets"


def dest_in_sass(blog):
    return blog.source / "_sass" / "site"


BUILD_CASES = {
    "build into the source's .git, forced": (dest_is_dot_git, "inside a version-control folder", ("--force",)),
    "build into the default theme, forced": (dest_is_the_theme, "it is the default theme", ("--force",)),
    "build into the blog's theme folder, forced": (dest_is_the_blogs_theme, "it is the Jekyll theme the build reads",
                                                   ("--force",)),
    "build inside the blog's theme folder": (dest_inside_the_blogs_theme, "lies inside the Jekyll theme", ()),
    "build into _sass/site": (dest_in_sass, "inside the source folder", ()),
    "build into the source": (dest_is_source, "it is the source folder", ()),
    "build into _posts": (dest_in_posts, "inside the source folder", ()),
    "build into _models/site": (dest_in_models, "inside the source folder", ()),
    "build into a folder read as pages": (dest_read_as_pages, "inside the source folder", ()),
    "build into the folder holding the source": (dest_holds_source, "it holds the source folder", ()),
    "build into the working folder": (dest_is_cwd, "it is your working folder", ()),
    "build into ..": (dest_is_parent_of_cwd, "it holds your working folder", ()),
    "build into ~": (dest_is_home, "it is your home folder", ()),
    "build into the folder holding ~": (dest_holds_home, "it holds your home folder", ("--force",)),
    "build into a git work tree, forced": (dest_is_git_work_tree, "it is a git work tree that no layerpress build wrote",
                                           ("--force",)),
    "build into a folder of repositories, forced": (dest_holds_git_work_tree, "it holds the git work tree",
                                                    ("--force",)),
    "build into a folder no build wrote": (dest_not_a_site, "it is not empty and no layerpress build wrote it", ()),
    "build into a file": (dest_is_a_file, "it is a file, not a folder", ("--force",)),
    "build below a file": (dest_below_a_file, "notes.md is a file, not a folder", ()),
    "build through a symlink to the source": (dest_symlink_to_source, "it is the source folder", ()),
    "build into a checkout whose .git is not kept": (dest_git_tree_without_kept_git,
                                                     "keep_files does not keep its .git", ()),
}


@pytest.mark.parametrize("setup, message, flags", BUILD_CASES.values(), ids=BUILD_CASES.keys())
def test_build_refuses(blog, setup, message, flags):
    dest = setup(blog)
    before = blog.everything()
    run = blog.build(*flags, dest=dest)
    blog.refuses(run, message, before)
    assert REFUSED in run.err


@pytest.mark.parametrize("command", ["clean", "check"])
@pytest.mark.parametrize("setup, message", [(dest_is_source, "it is the source folder"),
                                            (dest_is_cwd, "it is your working folder"),
                                            (dest_not_a_site, "no layerpress build wrote it")],
                         ids=["source", "cwd", "not a site"])
def test_clean_and_check_refuse(blog, command, setup, message):
    dest = setup(blog)
    before = tree_hash_with_cache(blog)
    run = blog.run(command, "--source", str(blog.source), "--dest", str(dest))
    assert run.status == 1 and run.err.startswith("error: ") and message in run.err, run
    assert tree_hash_with_cache(blog) == before  # clean did not even remove the cache


def tree_hash_with_cache(blog):
    return blog.everything(with_cache=True)


def test_publish_refuses_the_source_as_destination(blog):
    subprocess.run(["git", "init", "--quiet", str(blog.root)], check=True)
    subprocess.run(["git", "-C", str(blog.root), "-c", "user.name=T", "-c", "user.email=t@example.org", "commit",
                    "--quiet", "--allow-empty", "-m", "start"], check=True)
    before = blog.everything()
    run = blog.run("publish", "--source", str(blog.source), "--dest", str(blog.source), "--no-push")
    assert run.status == 1 and "it is the source folder" in run.err, run
    assert {k: v for k, v in blog.everything().items() if not k.startswith(".git/")} == \
        {k: v for k, v in before.items() if not k.startswith(".git/")}
    branches = subprocess.run(["git", "-C", str(blog.root), "branch", "--list", "gh-pages"], capture_output=True,
                              text=True).stdout
    assert branches == ""


def test_every_site_carries_the_marker_and_replaces_itself(blog):
    assert (blog.dest / MARKER).is_file()
    blog.write("_posts/2020-01-03-more.md", "---\ntitle: More\n---\nMore.\n")
    assert blog.build().status == 0
    assert (blog.dest / "2020/01/03/more.html").is_file()


def test_force_replaces_a_folder_no_build_wrote(blog):
    photos = dest_not_a_site(blog)
    assert blog.build("--force", dest=photos).status == 0
    assert not (photos / "holiday.jpg").exists() and (photos / MARKER).is_file()


def test_a_site_that_is_a_git_checkout_keeps_its_git_and_files_listed_in_keep_files(blog):
    blog.write("_config.yml", "title: Safety\nkeep_files: [.git, downloads/big.zip]\n")
    subprocess.run(["git", "init", "--quiet", str(blog.dest)], check=True)
    (blog.dest / "downloads").mkdir()
    (blog.dest / "downloads" / "big.zip").write_bytes(b"zip")
    git_before = {k: v for k, v in blog.everything().items() if k.startswith("out/.git/")}
    assert blog.build().status == 0
    assert {k: v for k, v in blog.everything().items() if k.startswith("out/.git/")} == git_before
    assert (blog.dest / "downloads" / "big.zip").read_bytes() == b"zip"
    assert (blog.dest / "index.html").is_file()
    status = subprocess.run(["git", "-C", str(blog.dest), "status", "--porcelain"], capture_output=True, text=True)
    assert "index.html" in status.stdout  # git still sees the work tree: the checkout survived


def test_clean_keeps_the_git_of_a_checked_out_site(blog):
    subprocess.run(["git", "init", "--quiet", str(blog.dest)], check=True)
    run = blog.run("clean", "--source", str(blog.source), "--dest", str(blog.dest))
    assert run.status == 0, run
    assert sorted(p.name for p in blog.dest.iterdir()) == [".git"]
    assert not (blog.source / ".layerpress-cache").exists()


def test_a_site_folder_inside_the_source_starting_with_underscore_is_allowed(blog):
    dest = blog.source / "_site"
    assert blog.build(dest=dest).status == 0
    assert (dest / "index.html").is_file()
    assert blog.build(dest=dest).status == 0  # and the second build does not read the first one's pages


@pytest.mark.parametrize("value", ["[../outside]", "[/etc]", "not-a-list"])
def test_keep_files_must_name_paths_inside_the_site(blog, value):
    blog.write("_config.yml", f"title: Safety\nkeep_files: {value}\n")
    before = blog.everything()
    blog.refuses(blog.build(), "blog/_config.yml:2: 'keep_files' must be a list of paths inside the site", before)
