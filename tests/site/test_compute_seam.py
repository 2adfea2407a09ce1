"""The seam the models, figures and explorer stages plug into (generator/compute.py): a hand-made ComputeResult
goes all the way through."""

import generator.compute
from generator.build import BuildOptions, build
from generator.figures.result import ComputeResult


def test_compute_result_reaches_bodies_html_and_site(blog, tmp_path, monkeypatch):
    post = blog.write("_posts/2020-01-01-a.md", """
        ---
        title: A
        ---
        The model has {{ models.cnn.params }} parameters.

        <!--layerpress-figure:abc123-->

        After the figure.
    """)
    figure_file = tmp_path / "cache" / "abc123.png"
    figure_file.parent.mkdir()
    figure_file.write_bytes(b"\x89PNG fake bytes")
    seen = {}

    def compute(config, documents, options, extracted=None):
        seen["documents"] = [doc.source_path for doc in documents]
        return ComputeResult(
            context={"models": {"cnn": {"params": 1234}}},
            replacements={post: {"<!--layerpress-figure:abc123-->":
                                 '<figure><img src="/figures/a/abc123.png"><figcaption>Cap</figcaption></figure>'}},
            outputs=[("figures/a/abc123.png", figure_file)],
        )

    monkeypatch.setattr(generator.compute, "compute", compute)
    build(BuildOptions(source=blog.source, dest=blog.dest))
    html = blog.read("2020/01/01/a.html")
    assert "The model has 1234 parameters." in html
    figure = '<figure><img src="/figures/a/abc123.png"><figcaption>Cap</figcaption></figure>'
    assert f"{figure}\n\n<p>After the figure.</p>" in html
    assert "layerpress-figure" not in html
    assert (blog.dest / "figures/a/abc123.png").read_bytes() == b"\x89PNG fake bytes"
    assert seen["documents"] == [post]


def test_computed_outputs_are_confined_like_everything_else(blog, tmp_path, monkeypatch, capsys):
    blog.write("_posts/2020-01-01-a.md", "---\n---\nx\n")
    outside = tmp_path / "f.png"
    outside.write_bytes(b"x")
    monkeypatch.setattr(generator.compute, "compute",
                        lambda config, documents, options, extracted: ComputeResult(outputs=[("../escape.png", outside)]))
    assert blog.build() == 1
    assert capsys.readouterr().err == ("error: f.png: output path '../escape.png' is outside the site folder "
                                       "(check its permalink, slug and file name)\n")
    assert not (tmp_path / "escape.png").exists()
