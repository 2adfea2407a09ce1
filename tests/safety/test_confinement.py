"""Confinement: every file a post, figure block, model spec or template names stays inside the blog."""

from __future__ import annotations

import pytest

from .conftest import png_bytes

POST = "blog/_posts/2020-01-02-hostile.md"
OUTSIDE = "is outside the blog folder"
SECRET = b"password=hunter2\n"


def outside_file(blog, name="secret.png", data=None):
    path = blog.root / name
    path.write_bytes(data if data is not None else png_bytes())
    return path


def probe_block(probe: str) -> str:
    return f"Text.\n\n```figure\nkind: reshape\nprobe: {probe}\n```\n"


def probe_dotdot(blog):
    outside_file(blog)
    blog.post(probe_block("../secret.png"))
    return f"{POST}:6: probe '../secret.png' {OUTSIDE}"


def probe_absolute(blog):
    path = outside_file(blog)
    blog.post(probe_block(str(path)))
    return f"{POST}:6: probe '{path}' {OUTSIDE}"


def probe_symlink(blog):
    (blog.source / "_probes").mkdir()
    (blog.source / "_probes" / "cat.png").symlink_to(outside_file(blog))
    blog.post(probe_block("_probes/cat.png"))
    return f"{POST}:6: probe '_probes/cat.png' {OUTSIDE} (a symlink leads there)"


def static_probe_symlink(blog):
    (blog.source / "probes").mkdir()
    (blog.source / "probes" / "cat.png").symlink_to(outside_file(blog))
    blog.post(probe_block("probes/cat.png"))
    return f"blog/probes/cat.png: file 'probes/cat.png' {OUTSIDE} (a symlink leads there)"


def probe_through_symlinked_folder(blog):
    (blog.root / "elsewhere").mkdir()
    (blog.root / "elsewhere" / "cat.png").write_bytes(png_bytes())
    (blog.source / "probes").symlink_to(blog.root / "elsewhere")
    blog.post(probe_block("probes/cat.png"))
    return f"{POST}:6: probe 'probes/cat.png' {OUTSIDE} (a symlink leads there)"


def spec(blog, text):
    blog.write("_models/net.yml", text)
    blog.post("Uses {{ models.net.params }} parameters.\n")


def load_dotdot(blog):
    outside_file(blog, "model.keras", b"PK not really")
    spec(blog, "load: ../model.keras\n")
    return f"blog/_models/net.yml:1: load '../model.keras' {OUTSIDE}"


def weights_absolute(blog):
    spec(blog, "dataset: {name: shapes, image_size: [8, 8]}\nlayers:\n  - Flatten\n"
               "  - Dense: {units: 3}\nweights: /etc/passwd\n")
    return f"blog/_models/net.yml:5: weights '/etc/passwd' {OUTSIDE}"


def folder_data_dotdot(blog):
    (blog.root / "photos" / "cat").mkdir(parents=True)
    spec(blog, "dataset:\n  name: folder\n  path: ../photos\n  image_size: [8, 8]\nlayers:\n  - Flatten\n"
               "  - Dense: {units: 2}\n")
    return f"blog/_models/net.yml:3: dataset.path '../photos' {OUTSIDE}"


def folder_data_symlinked_image(blog):
    data = blog.source / "_data" / "pets"
    for label in ("cat", "dog"):
        (data / label).mkdir(parents=True)
        (data / label / "1.png").write_bytes(png_bytes(color=(10, 20, 30)))
    (data / "cat" / "2.png").symlink_to(outside_file(blog, "private.png"))
    spec(blog, "dataset:\n  name: folder\n  path: _data/pets\n  image_size: [8, 8]\nlayers:\n  - Flatten\n"
               "  - Dense: {units: 2}\n")
    return "blog/_data/pets/cat/2.png: dataset: a symlink leads this image outside the data folder"


def folder_data_symlinked_class(blog):
    data = blog.source / "_data" / "pets"
    (data / "cat").mkdir(parents=True)
    (data / "cat" / "1.png").write_bytes(png_bytes(color=(10, 20, 30)))
    (blog.root / "private").mkdir()
    (blog.root / "private" / "1.png").write_bytes(png_bytes())
    (data / "dog").symlink_to(blog.root / "private")
    spec(blog, "dataset:\n  name: folder\n  path: _data/pets\n  image_size: [8, 8]\nlayers:\n  - Flatten\n"
               "  - Dense: {units: 2}\n")
    # site.data reads _data/ first (as Jekyll's DataReader), and refuses the folder there
    return f"blog/_data/pets/dog: data folder '_data/pets/dog' {OUTSIDE} (a symlink leads there)"


def include_symlink(blog):
    (blog.source / "_includes").mkdir()
    (blog.source / "_includes" / "note.html").symlink_to(outside_file(blog, "secret.txt", SECRET))
    blog.post("{% include note.html %}\n")
    return f"blog/_includes/note.html:1: include '_includes/note.html' {OUTSIDE} (a symlink leads there)"


def include_dotdot(blog):
    outside_file(blog, "secret.txt", SECRET)
    blog.post("Hello.\n\n{% include ../../secret.txt %}\n")
    return f"{POST}:6: include '../../secret.txt' is outside the include folders"


def include_absolute(blog):
    path = outside_file(blog, "secret.txt", SECRET)
    blog.post(f"{{% include {path} %}}\n")
    return f"{POST}:4: include '{path}' is outside the include folders"


def layout_symlink(blog):
    (blog.source / "_layouts").mkdir()
    (blog.source / "_layouts" / "leak.html").symlink_to(outside_file(blog, "secret.txt", SECRET))
    blog.write("_posts/2020-01-02-hostile.md", "---\nlayout: leak\n---\nx\n")
    return f"blog/_layouts/leak.html:1: template '_layouts/leak.html' {OUTSIDE} (a symlink leads there)"


def static_symlink(blog):
    (blog.source / "id_rsa.txt").symlink_to(outside_file(blog, "secret.txt", SECRET))
    return f"blog/id_rsa.txt: file 'id_rsa.txt' {OUTSIDE} (a symlink leads there)"


def page_symlink(blog):
    outside_file(blog, "diary.md", b"---\ntitle: Diary\n---\nprivate\n")
    (blog.source / "diary.md").symlink_to(blog.root / "diary.md")
    return f"blog/diary.md: file 'diary.md' {OUTSIDE} (a symlink leads there)"


def post_symlink(blog):
    outside_file(blog, "2020-01-05-x.md", b"---\n---\nprivate\n")
    (blog.source / "_posts" / "2020-01-05-x.md").symlink_to(blog.root / "2020-01-05-x.md")
    return f"blog/_posts/2020-01-05-x.md: file '_posts/2020-01-05-x.md' {OUTSIDE} (a symlink leads there)"


def model_spec_symlink(blog):
    (blog.source / "_models").mkdir()
    (blog.source / "_models" / "net.yml").symlink_to(outside_file(blog, "net.yml", b"load: x.keras\n"))
    blog.post("Uses {{ models.net.params }} parameters.\n")
    return f"blog/_models/net.yml: model spec '_models/net.yml' {OUTSIDE} (a symlink leads there)"


def figure_id_path(blog):
    (blog.source / "probes").mkdir()
    (blog.source / "probes" / "a.png").write_bytes(png_bytes())
    blog.post("```figure\nkind: reshape\nprobe: probes/a.png\nid: ../../../index\n```\n")
    return f"{POST}:4: figure id '../../../index' may only hold letters, digits, '-' and '_'"


def config_permalink_escaping_the_site(blog):
    blog.write("_config.yml", "title: Safety\npermalink: /../../:title/\n")
    return "blog/_config.yml:2: permalink '/../../:title/' escapes the site folder"


CASES = {
    "probe with ..": probe_dotdot,
    "probe with an absolute path": probe_absolute,
    "probe that is a symlink out": probe_symlink,
    "probe that is also a static file": static_probe_symlink,
    "probe in a symlinked folder": probe_through_symlinked_folder,
    "load: with ..": load_dotdot,
    "weights: absolute": weights_absolute,
    "folder data set outside": folder_data_dotdot,
    "folder data set with a symlinked image": folder_data_symlinked_image,
    "folder data set with a symlinked class folder": folder_data_symlinked_class,
    "include that is a symlink out": include_symlink,
    "include with ..": include_dotdot,
    "include with an absolute path": include_absolute,
    "layout that is a symlink out": layout_symlink,
    "static file that is a symlink out": static_symlink,
    "page that is a symlink out": page_symlink,
    "post that is a symlink out": post_symlink,
    "model spec that is a symlink out": model_spec_symlink,
    "figure id with a path": figure_id_path,
    "_config.yml permalink escaping the site": config_permalink_escaping_the_site,
}


@pytest.mark.parametrize("setup", CASES.values(), ids=CASES.keys())
def test_paths_leading_out_of_the_blog_are_refused(blog, setup):
    message = setup(blog)
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, message, before)
    assert "hunter2" not in "".join(p.read_text(errors="ignore") for p in blog.dest.rglob("*") if p.is_file())


def test_shared_folders_of_config_allow_data_outside_the_blog(blog):
    (blog.root / "shared").mkdir()
    (blog.root / "shared" / "cat.png").write_bytes(png_bytes())
    blog.write("_config.yml", "title: Safety\nlayerpress:\n  shared_folders: [../shared]\n")
    blog.post(probe_block("../shared/cat.png"))
    run = blog.build()
    assert run.status == 0, run
    assert list((blog.dest / "figures").rglob("*.png"))
