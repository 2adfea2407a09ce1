"""_config.yml: defaults, normalised URLs, wrong types and unknown keys."""

import pytest

from generator.config import load_config
from generator.errors import ConfigError


def write(tmp_path, text):
    (tmp_path / "_config.yml").write_text(text)
    return tmp_path


def test_defaults_without_a_config_file(tmp_path):
    config = load_config(tmp_path)
    assert (config.permalink, config.excerpt_separator, config.paginate, config.baseurl) == ("date", "\n\n", 0, "")


@pytest.mark.parametrize("baseurl, normalised", [("repo", "/repo"), ("/repo/", "/repo"), ("/", ""), (None, "")])
def test_baseurl_is_normalised(tmp_path, baseurl, normalised):
    value = "" if baseurl is None else f"'{baseurl}'"
    assert load_config(write(tmp_path, f"baseurl: {value}\nurl: https://x.org/\n")).baseurl == normalised


@pytest.mark.parametrize("text, message", [
    ("paginate: many\n", "'paginate' must be an integer, not 'many'"),
    ("paginate: true\n", "'paginate' must be an integer, not true"),
    ("title: x\nfuture: 'yes'\n", "'future' must be true or false, not 'yes'"),
    ("exclude: node_modules\n", "'exclude' must be a list, not 'node_modules'"),
    ("paginate: -1\n", "'paginate' must be 0 or more, not -1"),
])
def test_wrong_types_name_the_key_and_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.message == message
    assert caught.value.line == text.count("\n")


def test_unknown_keys_warn_and_stay_available(tmp_path):
    config = load_config(write(tmp_path, "titel: x\ngithub_username: me\n"))
    assert [str(w.message) for w in config.warnings] == ["unknown key 'titel' (available to templates as site.titel)"]
    assert config.warnings[0].hint == "did you mean 'title'?"
    assert config.data["github_username"] == "me"


def test_missing_source_folder(tmp_path):
    with pytest.raises(ConfigError, match="source folder '.*nope' does not exist"):
        load_config(tmp_path / "nope")
