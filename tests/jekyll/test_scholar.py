"""jekyll-scholar's {% cite %} and {% bibliography %} from _bibliography/*.bib, in APA (jekyll-scholar's
default style) as citeproc-py formats it; Debian has no jekyll-scholar to compare with, so the expected
text is the CSL processor's reference output for these entries, checked by hand against APA 7."""

import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixture_scholar"
LECUN = ("LeCun, Y., Bottou, L., Bengio, Y., &amp; Haffner, P. (1998). Gradient-based learning applied to "
         "document recognition. <i>Proceedings of the IEEE</i>, <i>86</i>(11), 2278–2324.")
GOODFELLOW = "Goodfellow, I., Bengio, Y., &amp; Courville, A. (2016). <i>Deep Learning</i>. MIT Press."


def build(blog: Path, dest: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(blog), "--dest", str(dest)],
                          capture_output=True, text=True, cwd=blog.parent)


def blog_with(tmp_path: Path, page: str) -> Path:
    blog = tmp_path / "blog"
    shutil.copytree(FIXTURE, blog)
    (blog / "_config.yml").write_text("title: Citations\n")
    (blog / "refs.md").write_text("---\nlayout: null\n---\n" + page)
    return blog


def test_cite_and_bibliography_in_apa(tmp_path):
    blog = blog_with(tmp_path, "ResNets {% cite he2016deep %}, two at once {% cite lecun1998gradient goodfellow2016deep %}.\n\n"
                               "{% bibliography %}\n\nBooks:\n\n{% bibliography --query @book %}\n\n"
                               "Cited in 1998:\n\n{% bibliography --cited --query @*[year=1998] %}\n\n"
                               "Other file:\n\n{% bibliography --file transformers %}\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    html = (tmp_path / "site" / "refs.html").read_text()
    assert '<a class="citation" href="#he2016deep">(He et al., 2016)</a>' in html
    assert '<a class="citation" href="#lecun1998gradient">(Goodfellow et al., 2016; LeCun et al., 1998)</a>' in html
    assert (f'<ol class="bibliography"><li><span id="lecun1998gradient">{LECUN}</span></li>\n<li><span id="he2016deep">'
            "He, K., Zhang, X., Ren, S., &amp; Sun, J. (2016). Deep Residual Learning for Image Recognition. "
            "<i>Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition</i>, 770–778.</span></li>\n"
            f'<li><span id="goodfellow2016deep">{GOODFELLOW}</span></li></ol>') in html
    assert f'<ol class="bibliography"><li><span id="goodfellow2016deep">{GOODFELLOW}</span></li></ol>' in html
    assert f'<ol class="bibliography"><li><span id="lecun1998gradient">{LECUN}</span></li></ol>' in html
    assert "Vaswani, A., Shazeer, N., Parmar, N., Uszkoreit, J., Jones, L., Gomez, A. N., Kaiser, Ł., " in html


def test_an_unknown_key_is_one_error_line(tmp_path):
    blog = blog_with(tmp_path, "{% cite he2016dep %}\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: blog/refs.md:4: cite: no entry 'he2016dep' in references.bib (did you mean 'he2016deep'?)"]


def test_latex_commands_citeproc_does_not_know_stay_for_mathjax(tmp_path):
    blog = blog_with(tmp_path, "{% bibliography --file math %}\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert ("Doe, J. (2020). Networks of $\\infty$ width. <i>Journal of Wide Networks</i>."
            in (tmp_path / "site" / "refs.html").read_text())


def test_what_citeproc_cannot_read_still_formats(tmp_path):
    """bibtex-ruby reads these, and so the build goes on: a type citeproc-py lacks is formatted as misc, a
    year it cannot read leaves the reference undated, `{\\rq}` and `{\\c{c}}` no longer stop its LaTeX
    parser, a key keeps its case and a repeated key is kept as bibtex-ruby keeps it (the next key up)."""
    blog = blog_with(tmp_path, "{% cite Roe:2025 --file odd %}\n\n{% bibliography --file odd %}\n")
    (blog / "_bibliography" / "odd.bib").write_text(
        "@software{tool2024, title = {A Tool}, author = {Doe, Jane}, year = {2024}}\n"
        "@article{Roe:2025, title = {The Graph{\\rq}s Paper}, author = {Roe, Fran{\\c{c}}ois}, journal = {J},"
        " year = {2025 (to appear)}}\n"
        "@misc{tool2024, title = {Another Tool}, author = {Doe, Jane}, year = {2023}}\n")
    done = build(blog, tmp_path / "site")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    html = (tmp_path / "site" / "refs.html").read_text()
    assert '<a class="citation" href="#Roe:2025">(Roe, n.d.)</a>' in html
    assert ('<ol class="bibliography"><li><span id="tool2024">Doe, J. (2024). <i>A Tool</i>.</span></li>\n'
            '<li><span id="Roe:2025">Roe, F. (n.d.). The Graph\\rqs Paper. <i>J</i>.</span></li>\n'
            '<li><span id="tool2025">Doe, J. (2023). <i>Another Tool</i>.</span></li></ol>') in html
