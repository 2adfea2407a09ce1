"""jekyll-scholar's bibliography_template (al-folio renders every publication list through its
`_layouts/bib.html`), group_by/group_order, and the tag's options. Debian has no jekyll-scholar (nor
bibtex-ruby or citeproc-ruby) to compare with, so the expected HTML follows jekyll-scholar 7.3's source
(tags/bibliography.rb, utilities.rb: `render_items`, `render_groups`, `liquidify`) and its own features
(bibtex.feature's custom templates `<abbr>{{index}} {{entry.type}} [{{key}}]</abbr>{{entry.author_1_last}}`
and `<pre>{{entry.bibtex}}</pre>`, grouping.feature's `<h2 class="bibliography">2007</h2>` headings,
215.feature's `--bibliography_list_tag ul`)."""

import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixture_scholar_template"
SPARSE = """<li><div class="entry" id="moreau2023sparse">
  <div class="title">Sparse Adam for Tiny Networks</div>
  <div class="author"><em>Claire Moreau</em>, Bastien Lefèvre, Thi Lan Nguyen</div>
  <div class="periodical"><em>In Workshop on Small Models</em> Jun 2023</div>
  <div class="links"><a class="abstract">Abstract</a><a href="/assets/pdf/sparse-adam.pdf">PDF</a><a href="https://example.org/sparse-adam">Code</a></div>
  <div class="abstract hidden"><p>We train small networks with a sparse optimizer.</p></div>
</div>
</li>"""
PROBES = """<li><div class="entry" id="moreau2021probes">
  <div class="title">Linear Probes Don’t Lie</div>
  <div class="author"><em>Claire Moreau</em>, Jan Berg</div>
  <div class="periodical"><em>Journal of Toy Experiments</em>  2021</div>
  <div class="links"></div>
</div>
</li>"""


def build(blog: Path, dest: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(blog), "--dest", str(dest)],
                          capture_output=True, text=True, cwd=blog.parent)


def built(tmp_path: Path, config: str | None = None) -> tuple[subprocess.CompletedProcess, Path]:
    blog = tmp_path / "blog"
    shutil.copytree(FIXTURE, blog)
    if config is not None:
        (blog / "_config.yml").write_text(config)
    return build(blog, tmp_path / "site"), tmp_path / "site"


def test_each_entry_through_the_layout_grouped_by_year(tmp_path):
    done, site = built(tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    html = (site / "publications.html").read_text()
    assert html.startswith('<h1 id="publications">Publications</h1>\n<h2 class="bibliography">2023</h2>\n'
                           f'<ol class="bibliography">{SPARSE}\n<li><div class="entry" id="lefevre2023notes">')
    assert html.endswith(f'</li></ol>\n<h2 class="bibliography">2021</h2>\n<ol class="bibliography">{PROBES}</ol>')


def test_a_query_with_a_loop_variable_and_no_grouping(tmp_path):
    done, site = built(tmp_path)
    assert done.returncode == 0, done.stderr
    html = (site / "by-year.html").read_text()
    assert f'<h3 class="year">2021</h3>\n<ol class="bibliography">{PROBES}</ol>' in html
    assert html.count("<li>") == 3 and "bibliography\">20" not in html


def test_inline_templates_and_the_list_tag(tmp_path):
    done, site = built(tmp_path)
    assert done.returncode == 0, done.stderr
    html = (site / "inline.html").read_text()
    assert '<ol class="bibliography"><li><abbr>1 inproceedings [moreau2023sparse]</abbr>Lefèvre</li></ol>' in html
    assert ('<ul class="bibliography"><li><pre>@article{moreau2021probes,\n  title = {Linear Probes Don\'t Lie},\n'
            "  author = {Moreau, Claire and van der Berg, Jan},\n  journal = {Journal of Toy Experiments},\n"
            "  year = {2021}\n}\n</pre></li></ul>") in html


def test_ascending_groups_item_attributes_and_the_default_template(tmp_path):
    done, site = built(tmp_path, "scholar:\n  bibliography: papers\n  group_by: year\n  bibliography_group_tag: h3\n"
                                 "  bibliography_item_attributes: {class: paper}\n")
    assert done.returncode == 0, done.stderr
    html = (site / "publications.html").read_text()
    assert html.index('<h3 class="bibliography">2021</h3>') < html.index('<h3 class="bibliography">2023</h3>')
    assert ('<ol class="bibliography"><li class="paper"><span id="moreau2021probes">Moreau, C., &amp; van der Berg, J. '
            "(2021). Linear Probes Don't Lie. <i>Journal of Toy Experiments</i>.</span></li></ol>") in html


def test_a_template_that_names_no_layout_is_one_warning(tmp_path):
    done, site = built(tmp_path, "scholar:\n  bibliography: papers\n  bibliography_template: bibs\n")
    assert done.returncode == 0
    assert done.stderr.strip().splitlines() == [
        "warning: blog/_config.yml: bibliography_template 'bibs' is no layout: each entry is written as that text, "
        "as jekyll-scholar does (rendering by-year.md) (did you mean 'bib'?)"]
    assert '<ol class="bibliography"><li>bibs</li>\n<li>bibs</li>\n<li>bibs</li></ol>' in (site / "publications.html").read_text()
