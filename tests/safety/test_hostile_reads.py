"""A hostile corpus: every way a blog could make a build read a file outside it (and publish it),
hang on a pipe or a device, fill the memory, or write outside its site and cache.

Each case plants its trap and returns the one error line's expected part (file, line when there is
one, the key or tag); `Blog.refuses` checks the rest (exit 1, nothing changed anywhere, the canary
`outside/secret.txt` nowhere in the site or the cache, in time)."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from generator import readable

from .conftest import CACHE, CANARY_SECRET, png_bytes

POST = "blog/_posts/2020-01-02-hostile.md"
OUTSIDE = "is outside the blog folder"
VIA_LINK = f"{OUTSIDE} (a symlink leads there)"
PIPE = "is a named pipe, not a regular file"
DEVICE = "/dev/zero"


def link(blog, relative: str, target) -> None:
    path = blog.source / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def pipe(blog, relative: str) -> None:
    path = blog.source / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def outside_folder(blog, name: str, files: dict[str, str]):
    """A folder next to the blog holding `files` (each may hold the canary's secret)."""
    folder = blog.root / name
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    return folder


def oversize(blog, monkeypatch, kind: str, relative: str, data: bytes | None = None) -> None:
    """A file one byte over its kind's limit (lowered for the test, so the file stays small)."""
    monkeypatch.setitem(readable.LIMITS, kind, 1000)
    blog.write(relative, data if data is not None else b"x" * 1001)


def config(blog, text: str) -> None:
    blog.write("_config.yml", "title: Safety\n" + text)


def use_layout(blog, name: str) -> None:
    blog.write("_posts/2020-01-02-hostile.md", f"---\nlayout: {name}\n---\nx\n")


# -- layouts ------------------------------------------------------------------------------------------

def layout_names_an_absolute_path(blog, _):
    blog.write("_layouts/a.html", f"---\nlayout: {blog.canary}\n---\n{{{{ content }}}}\n")
    use_layout(blog, "a")
    return f"blog/_layouts/a.html:2: layout '{blog.canary}' is outside the layout folders"


def layout_names_a_dotdot_path(blog, _):
    blog.write("_layouts/a.html", "---\ntitle: A\nlayout: ../../outside/secret.txt\n---\n{{ content }}\n")
    use_layout(blog, "a")
    return "blog/_layouts/a.html:3: layout '../../outside/secret.txt' is outside the layout folders"


def post_names_an_absolute_layout(blog, _):
    blog.write("_posts/2020-01-02-hostile.md", f"---\ntitle: x\nlayout: {blog.canary}\n---\nx\n")
    return f"{POST}:3: layout '{blog.canary}' is outside the layout folders"


def chained_layout_is_a_symlink_out(blog, _):
    blog.write("_layouts/a.html", "---\nlayout: base\n---\n{{ content }}\n")
    link(blog, "_layouts/base.html", blog.canary)
    use_layout(blog, "a")
    return f"blog/_layouts/base.html:1: template '_layouts/base.html' {VIA_LINK}"


def layouts_folder_is_a_symlink_out(blog, _):
    link(blog, "_layouts", outside_folder(blog, "layouts", {"leak.html": CANARY_SECRET}))
    use_layout(blog, "leak")
    return f"blog/_layouts/leak.html:1: template '_layouts/leak.html' {VIA_LINK}"


def layout_is_a_pipe(blog, _):
    pipe(blog, "_layouts/pipe.html")
    use_layout(blog, "pipe")
    return f"blog/_layouts/pipe.html:1: template '_layouts/pipe.html' {PIPE}"


def layout_is_dev_zero(blog, _):
    link(blog, "_layouts/zero.html", DEVICE)
    use_layout(blog, "zero")
    return f"blog/_layouts/zero.html:1: template '_layouts/zero.html' {VIA_LINK}"


def layout_is_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "template", "_layouts/big.html")
    use_layout(blog, "big")
    return "blog/_layouts/big.html:1: template '_layouts/big.html' is 1,001 bytes, more than the 1,000 bytes a template"


# -- includes -----------------------------------------------------------------------------------------

def include_of_an_include_is_a_symlink_out(blog, _):
    blog.write("_includes/a.html", "A {% include b.html %}\n")
    link(blog, "_includes/b.html", blog.canary)
    blog.post("{% include a.html %}\n")
    return f"blog/_includes/b.html:1: include '_includes/b.html' {VIA_LINK}"


def includes_folder_is_a_symlink_out(blog, _):
    link(blog, "_includes", outside_folder(blog, "includes", {"note.html": CANARY_SECRET}))
    blog.post("{% include note.html %}\n")
    return f"blog/_includes/note.html:1: include '_includes/note.html' {VIA_LINK}"


def include_relative_with_dotdot(blog, _):
    blog.post("{% include_relative ../../outside/secret.txt %}\n")
    return f"{POST}:4: include '../../outside/secret.txt' is outside the include folders"


def include_is_a_pipe(blog, _):
    pipe(blog, "_includes/pipe.html")
    blog.post("{% include pipe.html %}\n")
    return f"blog/_includes/pipe.html:1: include '_includes/pipe.html' {PIPE}"


def include_is_dev_zero(blog, _):
    link(blog, "_includes/zero.html", DEVICE)
    blog.post("{% include zero.html %}\n")
    return f"blog/_includes/zero.html:1: include '_includes/zero.html' {VIA_LINK}"


def include_is_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "template", "_includes/big.html")
    blog.post("{% include big.html %}\n")
    return "blog/_includes/big.html:1: include '_includes/big.html' is 1,001 bytes, more than"


# -- data ---------------------------------------------------------------------------------------------

def data_file_is_a_symlink_out(blog, _):
    link(blog, "_data/x.yml", blog.canary)
    return f"blog/_data/x.yml: data file '_data/x.yml' {VIA_LINK}"


def data_file_is_a_pipe(blog, _):
    pipe(blog, "_data/x.yml")
    return f"blog/_data/x.yml: data file '_data/x.yml' {PIPE}"


def data_file_is_dev_zero(blog, _):
    link(blog, "_data/x.yml", DEVICE)
    return f"blog/_data/x.yml: data file '_data/x.yml' {VIA_LINK}"


def data_file_is_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "data", "_data/x.yml", b"a: " + b"x" * 1000 + b"\n")
    return "blog/_data/x.yml: data file '_data/x.yml' is 1,004 bytes, more than the 1,000 bytes a data file may hold"


def data_dir_dotdot(blog, _):
    config(blog, "data_dir: ../..\n")
    return f"blog/_config.yml:2: data_dir '../..' {OUTSIDE}"


def data_dir_absolute(blog, _):
    outside_folder(blog, "data", {"x.yml": f"secret: {CANARY_SECRET}\n"})
    config(blog, f"data_dir: {blog.root / 'data'}\n")
    return f"blog/_config.yml:2: data_dir '{blog.root / 'data'}' {OUTSIDE}"


def data_dir_is_a_symlink_out(blog, _):
    link(blog, "mydata", outside_folder(blog, "data", {"x.yml": f"secret: {CANARY_SECRET}\n"}))
    config(blog, "exclude: [mydata]\ndata_dir: mydata\n")
    return f"blog/_config.yml:3: data_dir 'mydata' {VIA_LINK}"


def data_folder_is_a_symlink_out(blog, _):
    link(blog, "_data", outside_folder(blog, "data", {"x.yml": f"secret: {CANARY_SECRET}\n"}))
    return f"blog/_data: data_dir '_data' {VIA_LINK}"


def data_sub_folder_is_a_symlink_out(blog, _):
    link(blog, "_data/team", outside_folder(blog, "data", {"x.yml": f"secret: {CANARY_SECRET}\n"}))
    return f"blog/_data/team: data folder '_data/team' {VIA_LINK}"


# -- _config.yml and its allow-list -------------------------------------------------------------------

def config_is_a_pipe(blog, _):
    (blog.source / "_config.yml").unlink()
    pipe(blog, "_config.yml")
    return f"blog/_config.yml: config file '_config.yml' {PIPE}"


def config_is_dev_zero(blog, _):
    (blog.source / "_config.yml").unlink()
    link(blog, "_config.yml", DEVICE)
    return f"blog/_config.yml: '_config.yml' {VIA_LINK}"


def config_is_a_symlink_out(blog, _):
    (blog.source / "_config.yml").unlink()
    link(blog, "_config.yml", blog.canary)
    return f"blog/_config.yml: '_config.yml' {VIA_LINK}"


def config_is_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "config", "_config.yml", b"title: Safety\n" + b"#" * 1000 + b"\n")
    return "blog/_config.yml: config file '_config.yml' is 1,015 bytes, more than the 1,000 bytes"


def shared_folder_is_the_root(blog, _):
    config(blog, "layerpress:\n  shared_folders: [/]\n")
    return "blog/_config.yml:3: 'layerpress.shared_folders' entry '/' is the root folder"


def shared_folder_is_home(blog, _):
    config(blog, f"layerpress:\n  shared_folders: [{blog.home}]\n")
    return f"blog/_config.yml:3: 'layerpress.shared_folders' entry '{blog.home}' is the home folder"


def shared_folder_holds_home(blog, _):
    config(blog, "layerpress:\n  shared_folders: [../users]\n")
    return "blog/_config.yml:3: 'layerpress.shared_folders' entry '../users' holds the home folder"


def shared_folder_holds_the_blog(blog, _):
    config(blog, "layerpress:\n  figure_width: 640\n  shared_folders: [../shared, ..]\n")
    return "blog/_config.yml:4: 'layerpress.shared_folders' entry '..' holds the blog folder"


# -- themes -------------------------------------------------------------------------------------------

def theme_is_the_parent_folder(blog, _):
    (blog.root / "assets").mkdir()
    (blog.root / "assets" / "leak.txt").write_text(CANARY_SECRET)
    config(blog, "theme: ..\n")
    return f"blog/_config.yml:2: theme: folder '..' {OUTSIDE}"


def theme_is_an_absolute_folder(blog, _):
    theme = outside_folder(blog, "mytheme", {"assets/leak.txt": CANARY_SECRET})
    config(blog, f"theme: {theme}\n")
    return f"blog/_config.yml:2: theme: folder '{theme}' {OUTSIDE}"


def theme_is_a_symlink_out(blog, _):
    link(blog, "mytheme", outside_folder(blog, "mytheme", {"assets/leak.txt": CANARY_SECRET}))
    config(blog, "exclude: [mytheme]\ntheme: mytheme\n")
    return f"blog/_config.yml:3: theme: folder 'mytheme' {VIA_LINK}"


def theme_file_is_a_symlink_out(blog, monkeypatch):
    gem = blog.root / "gems" / "gems" / "paper-1.0.0"
    (gem / "assets").mkdir(parents=True)
    (gem / "assets" / "leak.txt").symlink_to(blog.canary)
    monkeypatch.setenv("GEM_HOME", str(blog.root / "gems"))
    config(blog, "theme: paper\n")
    return f"gems/gems/paper-1.0.0/assets/leak.txt: theme file '{gem / 'assets' / 'leak.txt'}' {VIA_LINK}"


# -- Sass ---------------------------------------------------------------------------------------------

def sass_page(blog, imports: str) -> None:
    blog.write("assets/main.scss", f"---\n---\nbody {{ color: red; }}\n{imports}\n")


def sass_imports_an_absolute_path(blog, _):
    sass_page(blog, f'@import "{blog.canary}";')
    return f"blog/assets/main.scss:4: Sass import '{blog.canary}' {OUTSIDE}"


def sass_imports_a_dotdot_path(blog, _):
    outside_folder(blog, "outside", {"_evil.scss": f"/* {CANARY_SECRET} */\n"})
    blog.write("_sass/_colours.scss", "$text: #222;\n")
    sass_page(blog, '@import "../../outside/evil";')
    return f"blog/assets/main.scss:4: Sass import '_sass/../../outside/_evil.scss' {OUTSIDE}"


def sass_partial_is_a_symlink_out(blog, _):
    evil = outside_folder(blog, "outside", {"_evil.scss": f"/* {CANARY_SECRET} */\n"}) / "_evil.scss"
    link(blog, "_sass/_colours.scss", evil)
    sass_page(blog, '@import "colours";')
    return f"blog/assets/main.scss:4: Sass import '_sass/_colours.scss' {VIA_LINK}"


def sass_partial_imported_by_a_partial_is_a_pipe(blog, _):
    blog.write("_sass/_base.scss", "p { margin: 0; }\n@import \"pipe\";\n")
    pipe(blog, "_sass/_pipe.scss")
    sass_page(blog, '@import "base";')
    return f"blog/_sass/_base.scss:2: Sass import '_sass/_pipe.scss' {PIPE}"


def sass_partial_is_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "sass", "_sass/_big.scss", b"/*" + b"x" * 1000 + b"*/")
    sass_page(blog, '@import "big";')
    return "blog/assets/main.scss:4: Sass import '_sass/_big.scss' is 1,004 bytes, more than"


def sass_load_paths_dotdot(blog, _):
    config(blog, "sass:\n  style: compressed\n  load_paths: [../..]\n")
    return f"blog/_config.yml:4: sass.load_paths entry '../..' {OUTSIDE}"


def sass_dir_is_a_symlink_out(blog, _):
    link(blog, "_sass", outside_folder(blog, "sass", {"_colours.scss": f"/* {CANARY_SECRET} */\n"}))
    sass_page(blog, '@import "colours";')
    return f"blog/_sass: sass.sass_dir '_sass' {VIA_LINK}"


def sass_page_is_a_pipe(blog, _):
    pipe(blog, "assets/pipe.scss")
    return f"blog/assets/pipe.scss: file 'assets/pipe.scss' {PIPE}"


# -- documents and static files -----------------------------------------------------------------------

def post_is_a_pipe(blog, _):
    pipe(blog, "_posts/2020-01-03-pipe.md")
    return f"blog/_posts/2020-01-03-pipe.md: file '_posts/2020-01-03-pipe.md' {PIPE}"


def post_is_dev_zero(blog, _):
    link(blog, "_posts/2020-01-03-zero.md", DEVICE)
    return f"blog/_posts/2020-01-03-zero.md: file '_posts/2020-01-03-zero.md' {VIA_LINK}"


def post_is_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "document", "_posts/2020-01-03-big.md", b"---\n---\n" + b"x" * 1000)
    return "blog/_posts/2020-01-03-big.md: document '_posts/2020-01-03-big.md' is 1,008 bytes, more than"


def page_is_a_pipe(blog, _):
    pipe(blog, "about.md")
    return f"blog/about.md: file 'about.md' {PIPE}"


def static_file_is_dev_zero(blog, _):
    link(blog, "assets/zero.bin", DEVICE)
    return f"blog/assets/zero.bin: file 'assets/zero.bin' {VIA_LINK}"


def static_file_is_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "static", "assets/big.bin")
    return "blog/assets/big.bin: file 'assets/big.bin' is 1,001 bytes, more than the 1,000 bytes a static file"


# -- probes, model specs, model files -----------------------------------------------------------------

def probe_block(probe: str) -> str:
    return f"Text.\n\n```figure\nkind: reshape\nprobe: {probe}\n```\n"


def probe_is_a_pipe(blog, _):
    pipe(blog, "_probes/cat.png")
    blog.post(probe_block("_probes/cat.png"))
    return f"{POST}:6: probe '_probes/cat.png' {PIPE}"


def probe_is_dev_zero(blog, _):
    link(blog, "_probes/cat.png", DEVICE)
    blog.post(probe_block("_probes/cat.png"))
    return f"{POST}:6: probe '_probes/cat.png' {VIA_LINK}"


def probe_is_oversize(blog, monkeypatch):
    monkeypatch.setitem(readable.LIMITS, "image", 100)
    blog.write("_probes/cat.png", png_bytes(size=(40, 40)))
    blog.post(probe_block("_probes/cat.png"))
    return f"{POST}:6: probe '_probes/cat.png' is"


def uses_model(blog, spec: str) -> None:
    blog.write("_models/net.yml", spec)
    blog.post("Uses {{ models.net.params }} parameters.\n")


def model_spec_is_a_pipe(blog, _):
    pipe(blog, "_models/net.yml")
    blog.post("Uses {{ models.net.params }} parameters.\n")
    return f"blog/_models/net.yml: model spec '_models/net.yml' {PIPE}"


def model_spec_is_oversize(blog, monkeypatch):
    monkeypatch.setitem(readable.LIMITS, "spec", 100)
    uses_model(blog, "load: _models/m.keras\n" + "#" * 100 + "\n")
    return "blog/_models/net.yml: model spec '_models/net.yml' is 123 bytes, more than the 100 bytes a model spec"


def model_file_is_a_pipe(blog, _):
    pipe(blog, "_models/m.keras")
    uses_model(blog, "load: _models/m.keras\n")
    return f"blog/_models/net.yml:1: load '_models/m.keras' {PIPE}"


def model_file_is_dev_zero(blog, _):
    link(blog, "_models/m.keras", DEVICE)
    uses_model(blog, "load: _models/m.keras\n")
    return f"blog/_models/net.yml:1: load '_models/m.keras' {VIA_LINK}"


def weights_are_oversize(blog, monkeypatch):
    oversize(blog, monkeypatch, "model", "_models/w.weights.h5")
    uses_model(blog, "dataset: {name: shapes, image_size: [8, 8]}\nlayers:\n  - Flatten\n  - Dense: {units: 3}\n"
                     "weights: _models/w.weights.h5\n")
    return "blog/_models/net.yml:5: weights '_models/w.weights.h5' is 1,001 bytes, more than the 1,000 bytes a model file"


# -- writes -------------------------------------------------------------------------------------------

def cache_is_a_symlink_out(blog, _):
    shutil.rmtree(blog.source / CACHE)
    (blog.root / "elsewhere").mkdir()
    link(blog, CACHE, blog.root / "elsewhere")
    return f"blog/{CACHE}: the cache folder is a symlink to {blog.root / 'elsewhere'}, outside blog/"


def cache_models_folder_is_a_symlink_out(blog, _):
    (blog.root / "elsewhere").mkdir()
    link(blog, f"{CACHE}/models", blog.root / "elsewhere")
    return f"blog/{CACHE}/models: 'models' in the cache is a symlink to {blog.root / 'elsewhere'}"


def cache_state_file_is_a_symlink_out(blog, _):
    state = next((blog.source / CACHE / "builds").glob("*.json"))
    state.unlink()
    state.symlink_to(blog.root / "outside" / "state.json")
    return f"'builds/{state.name}' in the cache is a symlink to {blog.root / 'outside' / 'state.json'}"


def figures_lock_is_a_dangling_symlink_out(blog, _):
    link(blog, "figures.lock", blog.root / "outside" / "figures.lock")
    return f"blog/figures.lock: 'figures.lock' is a symlink to {blog.root / 'outside' / 'figures.lock'}, outside blog/"


def freeze_folder_is_a_symlink_out(blog, _):
    (blog.root / "elsewhere").mkdir()
    link(blog, "_freeze", blog.root / "elsewhere")
    return f"blog/_freeze: '_freeze' is a symlink to {blog.root / 'elsewhere'}, outside blog/"


def freeze_entry_is_a_symlink_out(blog, _):
    (blog.root / "elsewhere").mkdir()
    link(blog, "_freeze/figures/ab", blog.root / "elsewhere")
    return f"blog/_freeze/figures/ab: 'figures/ab' in _freeze/ is a symlink to {blog.root / 'elsewhere'}"


CASES = {case.__name__.replace("_", " "): case for case in (
    layout_names_an_absolute_path, layout_names_a_dotdot_path, post_names_an_absolute_layout,
    chained_layout_is_a_symlink_out, layouts_folder_is_a_symlink_out, layout_is_a_pipe, layout_is_dev_zero,
    layout_is_oversize, include_of_an_include_is_a_symlink_out, includes_folder_is_a_symlink_out,
    include_relative_with_dotdot, include_is_a_pipe, include_is_dev_zero, include_is_oversize,
    data_file_is_a_symlink_out, data_file_is_a_pipe, data_file_is_dev_zero, data_file_is_oversize, data_dir_dotdot,
    data_dir_absolute, data_dir_is_a_symlink_out, data_folder_is_a_symlink_out, data_sub_folder_is_a_symlink_out,
    config_is_a_pipe, config_is_dev_zero, config_is_a_symlink_out, config_is_oversize, shared_folder_is_the_root,
    shared_folder_is_home, shared_folder_holds_home, shared_folder_holds_the_blog, theme_is_the_parent_folder,
    theme_is_an_absolute_folder, theme_is_a_symlink_out, theme_file_is_a_symlink_out, sass_imports_an_absolute_path,
    sass_imports_a_dotdot_path, sass_partial_is_a_symlink_out, sass_partial_imported_by_a_partial_is_a_pipe,
    sass_partial_is_oversize, sass_load_paths_dotdot, sass_dir_is_a_symlink_out, sass_page_is_a_pipe,
    post_is_a_pipe, post_is_dev_zero, post_is_oversize, page_is_a_pipe, static_file_is_dev_zero,
    static_file_is_oversize, probe_is_a_pipe, probe_is_dev_zero, probe_is_oversize, model_spec_is_a_pipe,
    model_spec_is_oversize, model_file_is_a_pipe, model_file_is_dev_zero, weights_are_oversize,
    cache_is_a_symlink_out, cache_models_folder_is_a_symlink_out, cache_state_file_is_a_symlink_out,
    figures_lock_is_a_dangling_symlink_out, freeze_folder_is_a_symlink_out, freeze_entry_is_a_symlink_out,
)}


@pytest.mark.parametrize("setup", CASES.values(), ids=CASES.keys())
def test_hostile_blog_is_refused(blog, monkeypatch, setup):
    message = setup(blog, monkeypatch)
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, message, before, seconds=20)
    assert CANARY_SECRET not in run.err   # an error never quotes the file it refused


def test_the_state_files_confine_checks_are_the_ones_the_build_writes():
    from generator import confine, freeze, lockfile

    assert (confine.LOCK_NAME, confine.FREEZE_DIR_NAME) == (lockfile.LOCK_NAME, freeze.FREEZE_DIR)


def test_the_corpus_covers_each_kind_of_file():
    assert len(CASES) >= 35
    for kind in ("layout", "include", "data file", "config", "sass", "post", "probe", "model file"):
        assert any(kind in name and "pipe" in name for name in CASES), f"no pipe case for {kind}"


def test_an_allow_listed_shared_folder_serves_data_layouts_and_probes(blog):
    shared = outside_folder(blog, "shared", {"data/team.yml": "- Ada\n- Grace\n",
                                             "layouts/wide.html": "<main class=wide>{{ content }}</main>\n"})
    (shared / "cat.png").write_bytes(png_bytes())
    config(blog, "data_dir: ../shared/data\nlayerpress:\n  shared_folders: [../shared]\n")
    link(blog, "_layouts/wide.html", shared / "layouts" / "wide.html")
    blog.write("_posts/2020-01-02-team.md", "---\nlayout: wide\n---\n{{ site.data.team | join: ' & ' }}\n\n"
               + probe_block("../shared/cat.png"))
    run = blog.build()
    assert run.status == 0, run
    page = (blog.dest / "2020" / "01" / "02" / "team.html").read_text()
    assert "<main class=wide>" in page and "Ada &amp; Grace" in page
    assert list((blog.dest / "figures").rglob("*.png"))


def test_a_theme_gem_the_blog_names_is_read(blog, monkeypatch):
    gem = blog.root / "gems" / "gems" / "paper-1.0.0"
    (gem / "_layouts").mkdir(parents=True)
    (gem / "_layouts" / "post.html").write_text("<article class=paper>{{ content }}</article>\n")
    (gem / "assets").mkdir()
    (gem / "assets" / "logo.svg").write_text("<svg id='paper'/>")
    monkeypatch.setenv("GEM_HOME", str(blog.root / "gems"))
    config(blog, "theme: paper\n")
    run = blog.build()
    assert run.status == 0, run
    assert "<article class=paper>" in (blog.dest / "2020" / "01" / "01" / "good.html").read_text()
    assert (blog.dest / "assets" / "logo.svg").read_text() == "<svg id='paper'/>"


@pytest.mark.parametrize("command", [["clean"], ["train", "net"], ["models"]])
def test_other_commands_refuse_a_cache_that_is_a_symlink_out(blog, command):
    (blog.root / "elsewhere" / "keep.txt").parent.mkdir()
    (blog.root / "elsewhere" / "keep.txt").write_text("not the cache's\n")
    shutil.rmtree(blog.source / CACHE)
    link(blog, CACHE, blog.root / "elsewhere")
    before = blog.everything()
    run = blog.run(*command, "--source", str(blog.source), *(["--dest", str(blog.dest)] if command == ["clean"] else []))
    blog.refuses(run, f"blog/{CACHE}: the cache folder is a symlink to {blog.root / 'elsewhere'}", before)


def test_a_change_in_a_shared_folder_is_seen_by_the_next_build(blog):
    shared = outside_folder(blog, "shared", {"data/team.yml": "- Ada\n"})
    config(blog, "data_dir: ../shared/data\nlayerpress:\n  shared_folders: [../shared]\n")
    blog.post("{{ site.data.team | join: ' & ' }}\n")
    assert blog.build().status == 0
    (shared / "data" / "team.yml").write_text("- Ada\n- Grace\n")
    assert blog.build().status == 0
    assert "Ada &amp; Grace" in (blog.dest / "2020" / "01" / "02" / "hostile.html").read_text()


def test_a_relative_source_reads_its_own_files_and_names_them(blog):
    """The rule compares real paths: `--source blog` (relative) reads the same files as an absolute one."""
    blog.write("_data/team.yml", "- Ada\n")
    blog.write("_layouts/wide.html", "<main class=wide>{{ content }}</main>\n")
    blog.write("_includes/note.html", "a note")
    blog.write("_sass/_colours.scss", "$text: #222;\n")
    blog.write("assets/main.scss", "---\n---\n@import \"colours\";\nbody { color: $text; }\n")
    blog.write("_posts/2020-01-02-team.md", "---\nlayout: wide\n---\n{{ site.data.team[0] }} {% include note.html %}\n")
    run = blog.run("build", "--source", "blog", "--dest", "out", "--quiet")
    assert run.status == 0, run
    assert "Ada a note" in (blog.dest / "2020" / "01" / "02" / "team.html").read_text()
    assert "#222" in (blog.dest / "assets" / "main.css").read_text()
    blog.write("_models/net.yml", "nonsense: 1\n")
    blog.post("Uses {{ models.net.params }} parameters.\n", name="2020-01-03-model.md")
    pipe(blog, "_data/pipe.yml")
    run = blog.run("build", "--source", "blog", "--dest", "out", "--quiet")
    assert run.err == f"error: blog/_data/pipe.yml: data file '_data/pipe.yml' {PIPE} (only regular files are read)\n"
    (blog.source / "_data" / "pipe.yml").unlink()
    run = blog.run("build", "--source", "blog", "--dest", "out", "--quiet")
    assert run.err.startswith("error: blog/_models/net.yml:1: unknown key 'nonsense'"), run.err


def test_the_explorers_default_probes_stay_inside_the_blog(tmp_path):
    """With no figure naming probes, the explorer takes the images of probes/ (even an excluded one):
    a link out of the blog is refused there too, not opened."""
    from generator.errors import FigureError
    from generator.explore.stage import ExplorerStage

    (tmp_path / "blog" / "probes").mkdir(parents=True)
    (tmp_path / "blog" / "probes" / "a.png").write_bytes(png_bytes())
    stage = ExplorerStage(store=None, source=tmp_path / "blog", cache_dir=tmp_path / "cache")  # type: ignore[arg-type]
    assert stage._probes("net", []) == ["probes/a.png"]
    (tmp_path / "blog" / "probes" / "b.png").symlink_to(tmp_path / "blog" / "probes" / "a.png")
    (tmp_path / "secret.png").write_bytes(png_bytes())
    (tmp_path / "blog" / "probes" / "c.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(FigureError, match=re.escape(f"probes/c.png: probe 'probes/c.png' {VIA_LINK}")):
        stage._probes("net", [])


def test_a_pipe_in_the_cache_is_damage_not_a_hang(blog):
    blog.write("probes/a.png", png_bytes())
    blog.post(probe_block("probes/a.png"))
    assert blog.build().status == 0
    manifest = next((blog.source / CACHE / "figures").rglob("MANIFEST.json"))
    manifest.unlink()
    os.mkfifo(manifest)
    run = blog.build()
    assert run.status == 0 and run.seconds < 20, run
    assert list((blog.dest / "figures").rglob("*.png"))
