"""The `_config.yml` keys layerpress reads besides the basic ones (Jekyll's liquid, theme, sass, ...
and the `layerpress:` sub-options): a wrong value is one line naming file, line and key; readers get
checked, typed values; templates still see what the file says."""

import subprocess
import sys

import pytest

from generator.config import load_config
from generator.errors import ConfigError

WRONG_VALUES = [
    # layerpress: sub-options
    ("layerpress:\n  figure_width: wide\n", 2,
     "'layerpress.figure_width' must be a number of CSS pixels from 320 to 4000, not 'wide' "
     "(the default theme's text column is 632)"),
    ("layerpress:\n  figure_width: 100\n", 2, "'layerpress.figure_width' must be a number of CSS pixels from 320 "
     "to 4000, not 100 (the default theme's text column is 632)"),
    ("title: t\nlayerpress:\n  figurewidth: 700\n", 3,
     ("unknown key 'layerpress.figurewidth' (did you mean 'figure_width'? "
      "keys: check, explorer, figure_width, heading_permalinks, limits, liquid_in_code, pygments_dark_style, pygments_style, "
      "shared_folders)")),
    ("layerpress:\n  check: 0.1\n", 2, "'layerpress.check' must be a mapping of tolerances, not 0.1"),
    ("layerpress:\n  check:\n    acuracy: 0.1\n", 3, ("unknown key 'layerpress.check.acuracy' (did you mean 'accuracy'? "
                                                      "keys: accuracy, array, loss, pixels)")),
    ("layerpress:\n  check:\n    accuracy: 0.1\n    loss: -1\n", 4,
     "'layerpress.check.loss' must be a number, 0 or more, not -1"),
    ("layerpress:\n  explorer: [reader_images]\n", 2, "'layerpress.explorer' must be a mapping, not ['reader_images']"),
    ("layerpress:\n  explorer:\n    reader_images: 'yes'\n", 3,
     "'layerpress.explorer.reader_images' must be true or false, not 'yes'"),
    ("layerpress:\n  shared_folders: [../x, 3]\n", 2, "'layerpress.shared_folders' must be a list of strings, "
     "not ['../x', 3]"),
    ("layerpress:\n  shared_folders: [/]\n", 2, "'layerpress.shared_folders' entry '/' is the root folder "
     "(name the one folder of shared files, e.g. ../shared-data)"),
    ("title: t\nlayerpress:\n  figure_width: 700\n  shared_folders: [../x, ..]\n", 4,
     "'layerpress.shared_folders' entry '..' holds the blog folder (name the one folder of shared files, "
     "e.g. ../shared-data)"),
    ("layerpress:\n  pygments_style: 3\n", 2, "'layerpress.pygments_style' must be a Pygments style name, such as "
     "friendly (checked when Pygments is loaded), not 3"),
    ("layerpress:\n  pygments_dark_style: [monokai]\n", 2, "'layerpress.pygments_dark_style' must be a Pygments "
     "style name, such as friendly (checked when Pygments is loaded), not ['monokai']"),
    ("layerpress:\n  heading_permalinks: 1\n", 2, "'layerpress.heading_permalinks' must be true or false, not 1"),
    # top-level keys
    ("title: t\nkeep_files: [.git, ../x]\n", 2,
     "'keep_files' must be a list of paths inside the site, such as [.git, CNAME], not ['.git', '../x']"),
    ("freeze: always\n", 1, "'freeze' must be 'auto' or false, not 'always' "
     "(freeze: auto writes every computed result into _freeze/ on each build)"),
    ("liquid: strict\n", 1, "'liquid' must be a mapping, not 'strict'"),
    ("liquid:\n  error_mode: strickt\n", 2,
     "'liquid.error_mode' must be one of lax, warn, strict, not 'strickt' (did you mean 'strict'?)"),
    ("liquid:\n  strict_variables: 'no'\n", 2, "'liquid.strict_variables' must be true or false, not 'no'"),
    ("liquid:\n  strict_filter: true\n", 2, ("unknown key 'liquid.strict_filter' (did you mean 'strict_filters'? "
                                             "keys: error_mode, strict_filters, strict_variables)")),
    ("theme: [minima]\n", 1, "'theme' must be a string, not ['minima']"),
    ("sass: compressed\n", 1, "'sass' must be a mapping, not 'compressed'"),
    ("sass:\n  style: compresed\n", 2,
     "'sass.style' must be one of nested, expanded, compact, compressed, not 'compresed' (did you mean 'compressed'?)"),
    ("sass:\n  load_paths: 3\n", 2, "'sass.load_paths' must be a string or a list of strings, not 3"),
    ("defaults: {layout: post}\n", 1, "'defaults' must be a list of {scope, values} mappings, not a mapping"),
    ("defaults:\n  - scope: {path: ''}\n", 1, "'defaults' must be a list of {scope, values} mappings, not a list "
     "(entry 1 has no 'values' mapping: write {scope: {path: ''}, values: {layout: post}})"),
    ("page_excerpts: 'yes'\n", 1, "'page_excerpts' must be true or false, not 'yes'"),
    ("data_dir: [x]\n", 1, "'data_dir' must be a string, not ['x']"),
    ("kramdown: GFM\n", 1, "'kramdown' must be a mapping, not 'GFM'"),
    ("kramdown:\n  input: [GFM]\n", 2, "'kramdown.input' must be a string, not ['GFM']"),
]


@pytest.mark.parametrize("text, line, message", WRONG_VALUES)
def test_a_wrong_value_is_one_line_naming_file_line_and_key(tmp_path, text, line, message):
    (tmp_path / "_config.yml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == f"{tmp_path / '_config.yml'}:{line}: {message}"


def test_the_command_prints_the_one_line_and_exits_1(tmp_path):
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "_config.yml").write_text("title: t\nlayerpress:\n  figure_width: wide\n")
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--source", "blog", "--dest", "site"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == ("error: blog/_config.yml:3: 'layerpress.figure_width' must be a number of CSS pixels "
                             "from 320 to 4000, not 'wide' (the default theme's text column is 632)\n")
    assert not (tmp_path / "site").exists()


def test_readers_get_checked_values_with_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.option("figure_width") == 632 and config.option("shared_folders") == []
    assert config.option("check") == {"accuracy": 0.01, "loss": 0.05, "array": 0.05, "pixels": 0.1}
    assert config.option("explorer") == {"reader_images": False}
    assert config.liquid == {"error_mode": "warn", "strict_variables": False, "strict_filters": False}
    assert (config.theme, config.defaults, config.page_excerpts, config.data_dir) == (None, [], False, "_data")
    assert config.keep_files == [".git", ".svn"]
    assert config.sass == {"style": "compact", "sass_dir": "_sass", "load_paths": []}
    (tmp_path / "_config.yml").write_text(
        "keep_files: [CNAME/]\nliquid: {error_mode: strict}\nsass: {style: ':compressed', load_paths: css}\n"
        "layerpress:\n  figure_width: 700\n  check: {loss: 0.5}\n")
    config = load_config(tmp_path)
    assert config.option("figure_width") == 700
    assert config.option("check") == {"accuracy": 0.01, "loss": 0.5, "array": 0.05, "pixels": 0.1}
    assert config.liquid["error_mode"] == "strict" and config.liquid["strict_filters"] is False
    assert config.sass["style"] == "compressed" and config.sass["load_paths"] == ["css"]
    assert config.keep_files == ["CNAME"]


def test_templates_see_these_keys_as_written(tmp_path):
    (tmp_path / "_config.yml").write_text("sass: {style: ':compressed'}\nlayerpress: {figure_width: 700}\n")
    data = load_config(tmp_path).data
    assert data["sass"] == {"style": ":compressed"} and data["layerpress"] == {"figure_width": 700}
    assert "liquid" not in data and "theme" not in data and "keep_files" not in data


def test_an_unknown_pygments_style_is_found_where_pygments_is_loaded_in_the_same_wording(tmp_path):
    from generator.build import highlight_css

    (tmp_path / "_config.yml").write_text("title: t\nlayerpress:\n  pygments_dark_style: monokia\n")
    config = load_config(tmp_path)  # the name is checked only where Pygments is imported
    with pytest.raises(ConfigError) as caught:
        highlight_css(config)
    assert str(caught.value) == (f"{tmp_path / '_config.yml'}:3: 'layerpress.pygments_dark_style' must be a Pygments "
                                 "style name, such as friendly (checked when Pygments is loaded), not 'monokia' "
                                 "(did you mean 'monokai'?)")


def test_kramdown_and_sass_keep_the_options_layerpress_does_not_read(tmp_path):
    (tmp_path / "_config.yml").write_text("kramdown:\n  auto_ids: true\n  math_engine: mathjax\n"
                                          "sass:\n  sourcemap: never\n")
    config = load_config(tmp_path)
    assert config.kramdown == {"input": "GFM", "toc_levels": "1..6", "parse_block_html": False, "auto_ids": True,
                               "math_engine": "mathjax"}
    assert config.sass["sourcemap"] == "never" and config.sass["style"] == "compact"


def test_the_committed_config_reference_is_the_generated_one():
    from pathlib import Path

    from generator.config import CONFIG_KEYS, LAYERPRESS_KEYS
    from generator.config_reference import reference

    page = Path(__file__).resolve().parents[1] / "docs" / "reference" / "config.md"
    assert page.read_text() == reference(), \
        "run `make reference` (python -m generator.config_reference > docs/reference/config.md)"
    assert all(f"| `{key}` |" in page.read_text() for key in [*CONFIG_KEYS, *LAYERPRESS_KEYS])
    assert all(option.help.strip() for option in [*CONFIG_KEYS.values(), *LAYERPRESS_KEYS.values()])
