"""The option framework: declarations as data, one error wording, typed Config attributes."""

from pathlib import Path

import pytest

from generator.config import CONFIG_KEYS, LAYERPRESS_KEYS, Config, Paths, load_config
from generator.datasets import KINDS
from generator.errors import ConfigError, FigureError
from generator.figures import registry
from generator.models.spec import CHECKPOINT_KEYS, COMPILE_KEYS, FIT_KEYS, TOP_KEYS
from generator.options import REQUIRED, Invalid, Option, Where, choice, named, of_type, shown, validate

KEYS = named({
    "size": Option(of_type(int), 3, "How many."),
    "mode": Option(choice("fast", "slow"), "fast", "How."),
    "name": Option(of_type(str), help="Required."),
})


def where(lines=None):
    lines = lines or {}
    return Where("f.yml", lambda key: lines.get(key, 1), FigureError, "figure 'x'")


def test_defaults_filled_in_declaration_order():
    assert validate({"name": "a"}, KEYS, where()) == {"size": 3, "mode": "fast", "name": "a"}
    assert list(validate({"name": "a", "size": 4}, KEYS, where(), given_order=True)) == ["name", "size", "mode"]


@pytest.mark.parametrize("data, message", [
    ({"name": "a", "sise": 2}, "f.yml:7: figure 'x': unknown key 'sise' (did you mean 'size'? keys: mode, name, size)"),
    ({"name": "a", "colour": 2}, "f.yml:7: figure 'x': unknown key 'colour' (keys: mode, name, size)"),
    ({"name": "a", "size": "many"}, "f.yml:7: figure 'x': 'size' must be an integer, not 'many'"),
    ({"name": "a", "size": True}, "f.yml:7: figure 'x': 'size' must be an integer, not true"),
    ({"name": "a", "mode": "slwo"}, "f.yml:7: figure 'x': 'mode' must be one of fast, slow, not 'slwo' "
                                    "(did you mean 'slow'?)"),
    ({}, "f.yml:1: figure 'x': missing key 'name'"),
])
def test_one_error_wording_with_file_line_and_hint(data, message):
    with pytest.raises(FigureError) as caught:
        validate(data, KEYS, where({key: 7 for key in data}))
    assert str(caught.value) == message


def test_null_takes_the_default_only_when_asked():
    assert validate({"name": "a", "size": None}, KEYS, where(), null_is_default=True)["size"] == 3
    with pytest.raises(FigureError, match="'size' must be an integer, not null"):
        validate({"name": "a", "size": None}, KEYS, where())


def test_sections_prefix_their_keys():
    inner = Where("m.yml", lambda key: 4, FigureError).section("fit", lambda key: 5)
    with pytest.raises(FigureError) as caught:
        validate({"epochz": 1}, named({"epochs": Option(of_type(int), 1)}), inner)
    assert str(caught.value) == "m.yml:5: unknown key 'fit.epochz' (did you mean 'epochs'? keys: epochs)"


def test_a_check_may_give_a_hint():
    def even(value):
        if value % 2:
            raise Invalid("even", "try 2")
        return value
    with pytest.raises(FigureError) as caught:
        validate({"n": 3}, named({"n": Option(even)}), where({"n": 2}))
    assert str(caught.value) == "f.yml:2: figure 'x': 'n' must be even, not 3 (try 2)"


def test_what_a_check_expects_is_data():
    assert [KEYS["size"].expects, KEYS["mode"].expects] == ["an integer", "one of fast, slow"]
    assert registry.COMMON_KEYS["width"].expects == "a positive integer"
    assert CONFIG_KEYS["paginate"].expects == "an integer, 0 or more"


def test_shown_values_read_as_yaml():
    assert [shown(v) for v in (True, None, "a", 1.5, [1, 2], {"a": 1}, [{"a": 1}])] == \
        ["true", "null", "'a'", "1.5", "[1, 2]", "a mapping", "a list"]
    assert len(shown("x" * 200)) == 60


def test_every_declaration_has_a_name_help_and_a_default_its_check_accepts():
    kinds = [registry.COMMON_KEYS] + [registry.kind_module(kind).KEYS for kind in registry.KINDS]
    datasets = [source.OPTIONS for source in KINDS.values()]
    for keys in [CONFIG_KEYS, LAYERPRESS_KEYS, TOP_KEYS, COMPILE_KEYS, FIT_KEYS, CHECKPOINT_KEYS, *datasets, *kinds]:
        for name, option in named(keys).items():
            assert option.name == name
            assert option.help.strip(), name
            if option.default not in (REQUIRED, None, ""):  # REQUIRED, None and "" mean "not given"
                assert option.check(option.default) == option.default, name


def test_config_serves_typed_attributes(tmp_path):
    (tmp_path / "_config.yml").write_text("baseurl: blog/\npaginate: 3\ntitle:\nextra: 1\n")
    config = load_config(tmp_path)
    assert (config.baseurl, config.paginate, config.title, config.lang) == ("/blog", 3, "", "en")
    assert config.data["extra"] == 1
    with pytest.raises(AttributeError):
        config.extra  # noqa: B018 (undeclared keys are data, not attributes)
    assert Config.baseurl is CONFIG_KEYS["baseurl"]


def test_config_errors_name_the_line(tmp_path):
    (tmp_path / "_config.yml").write_text("title: x\n\npaginate: [1]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert (caught.value.line, caught.value.message) == (3, "'paginate' must be an integer, not [1]")


def test_paths_apply_the_cache_default_once(tmp_path):
    assert Paths.of(tmp_path).cache_dir == tmp_path / ".layerpress-cache"
    assert Paths.of(tmp_path, cache_dir=tmp_path / "c").cache_dir == tmp_path / "c"
    assert Paths.of("content", "site").dest == Path("site")
