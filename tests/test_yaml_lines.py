"""The one YAML reader: values with the file line of each key, one error wording."""

import pytest

from generator.errors import ModelSpecError
from generator.yaml_lines import deep_merge, load_mapping, load_with_lines


def test_mapping_lines_count_from_the_first_line():
    data, lines = load_mapping("a: 1\n\nb: [x]\n", file="f", first_line=10)
    assert data == {"a": 1, "b": ["x"]} and lines == {"a": 10, "b": 12}


def test_dates_stay_text():
    assert load_mapping("date: 2020-02-30\n", file="f")[0] == {"date": "2020-02-30"}


def test_every_key_and_item_has_its_line():
    data = load_with_lines("fit:\n  epochs: 3\nlayers:\n  - Flatten\n  - Dense: 3\n", file="f", first_line=2)
    assert data.line("fit") == 2 and data["fit"].line("epochs") == 3
    assert data["layers"].lines == [5, 6]
    assert data["fit"].line("missing") == 3  # the mapping's own line


def test_merge_keeps_the_lines_of_the_winner():
    base = load_with_lines("fit: {epochs: 3, batch_size: 8}\nseed: 1\n", file="f")
    over = load_with_lines("\n\nfit: {epochs: 5}\n", file="f")
    merged = deep_merge(base, over)
    assert merged["fit"] == {"epochs": 5, "batch_size": 8} and merged.line("fit") == 3 and merged.line("seed") == 2


@pytest.mark.parametrize("load", [load_mapping, load_with_lines])
def test_malformed_yaml_is_one_error(load):
    with pytest.raises(ModelSpecError) as caught:
        load("a: 1\nb: [x\n", file="m.yml", first_line=4, error=ModelSpecError)
    assert str(caught.value) == ("m.yml:6: malformed YAML: did not find expected ',' or ']' "
                                 "(check the indentation and quote values that contain ': ')")


def test_not_a_mapping():
    with pytest.raises(ModelSpecError, match="YAML must be a mapping"):
        load_mapping("- a\n", file="f", error=ModelSpecError)
    assert load_mapping("", file="f") == ({}, {})
