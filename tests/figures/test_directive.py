from pathlib import Path

import pytest

from generator.errors import FigureError
from generator.figures.directive import extract_figures, prose_lines

POST = Path("post.md")


def fence(text: str, marker: str = "```", indent: str = "") -> str:
    lines = [f"{marker}figure", *text.strip("\n").split("\n"), marker]
    return "\n".join(indent + line for line in lines)


def error_text(body: str, body_line: int = 1) -> str:
    with pytest.raises(FigureError) as caught:
        extract_figures(body, POST, body_line)
    return str(caught.value)


def test_block_becomes_a_placeholder_paragraph_and_a_request():
    body = "Before.\n" + fence("kind: reshape\nprobe: probes/a.png\nid: flat") + "\nAfter."
    new_body, [request] = extract_figures(body, POST, body_line=5)
    assert new_body == "Before.\n\n<!--layerpress-figure:flat-->\n\n\n\nAfter."
    assert new_body.count("\n") == body.count("\n")  # template errors further down keep their line numbers
    assert (request.kind, request.figure_id, request.line) == ("reshape", "flat", 6)
    assert request.options["probe"] == "probes/a.png" and request.options["size"] is None
    assert request.model_refs == []


def test_tildes_long_fences_and_indented_blocks_in_lists():
    body = ("- item\n\n" + fence("kind: summary\nmodel: m", "~~~~", "    ") + "\n\n"
            + fence("kind: curves\nmodel: m\nid: c", "`````"))
    new_body, requests = extract_figures(body, POST)
    assert [r.kind for r in requests] == ["summary", "curves"]
    assert "    <!--layerpress-figure:" in new_body
    assert requests[0].model_refs == ["m"]


def test_figure_fence_inside_another_fence_is_code():
    body = "````markdown\n" + fence("kind: summary\nmodel: m") + "\n````\n"
    new_body, requests = extract_figures(body, POST)
    assert requests == [] and new_body == body


def test_derived_id_is_stable_and_follows_the_content():
    first = extract_figures(fence("kind: summary\nmodel: a"), POST)[1][0].figure_id
    again = extract_figures("text\n\n" + fence("kind: summary\nmodel: a"), POST)[1][0].figure_id
    other = extract_figures(fence("kind: summary\nmodel: b"), POST)[1][0].figure_id
    assert first == again != other and first.startswith("summary-")


def test_variant_refs_of_compare_and_dense_as_image():
    [compare] = extract_figures(fence("kind: compare\nmodel: m\nvariants: [base, sgd]"), POST)[1]
    [dense] = extract_figures(fence("kind: dense-as-image\nmodel: m\nprobe: p.png\nlayer: d\n"
                                    "compare: [trained, untrained]"), POST)[1]
    assert compare.model_refs == ["m", "m:sgd"]
    assert dense.model_refs == ["m", "m:untrained"]


def test_prose_lines_skip_fenced_code():
    assert [i for i, _ in prose_lines("a\n```\n{{ x }}\n```\nb")] == [0, 4]


def test_duplicate_id():
    body = fence("kind: summary\nmodel: a\nid: x") + "\n\n" + fence("kind: summary\nmodel: b\nid: x")
    assert error_text(body) == "post.md:7: duplicate figure id 'x' (give each figure of a document its own id)"


def test_unknown_kind_suggests_the_closest():
    assert error_text("\n" + fence("kind: activation\nmodel: m")) == \
        "post.md:2: unknown figure kind 'activation' (did you mean 'activations'?)"


def test_unknown_key_suggests_the_closest_and_points_at_its_line():
    body = fence("kind: activations\nmodel: m\nprobe: p.png\nlayers: [c]\nper_rows: 8")
    assert error_text(body, body_line=10) == \
        ("post.md:15: activations figure: unknown key 'per_rows' (did you mean 'per_row'? "
         "keys: alt, caption, channel, channels, cmap, colour_scale, id, kind, labels, layers, layout, max_channels, "
         "model, "
         "per_row, probe, probes, scale, width)")


def test_errors_name_the_figure_by_its_id():
    body = fence("kind: activations\nid: acts\nmodel: m\nprobe: p.png\nlayer: c")
    assert error_text(body, body_line=12) == \
        ("post.md:17: figure 'acts': unknown key 'layer' (did you mean 'layers'? "
         "keys: alt, caption, channel, channels, cmap, colour_scale, id, kind, labels, layers, layout, max_channels, "
         "model, "
         "per_row, probe, probes, scale, width)")


def test_unknown_key_without_a_near_miss_lists_the_keys():
    body = fence("kind: summary\nmodel: m\ncolour: red")
    assert error_text(body) == "post.md:4: summary figure: unknown key 'colour' (keys: alt, caption, id, kind, model, width)"


def test_wrong_type():
    body = fence("kind: activations\nmodel: m\nprobe: p.png\nlayers: [c]\nper_row: many")
    assert error_text(body) == "post.md:6: activations figure: 'per_row' must be a positive integer, not 'many'"


def test_bad_choice():
    body = fence("kind: activations\nmodel: m\nprobe: p.png\nlayers: [c]\nlayout: mosaic")
    assert error_text(body) == "post.md:6: activations figure: 'layout' must be one of grid, strip, both, not 'mosaic'"

    body = fence("kind: activations\nmodel: m\nprobe: p.png\nlayers: [c]\nlayout: strips")
    assert error_text(body) == ("post.md:6: activations figure: 'layout' must be one of grid, strip, both, "
                                "not 'strips' (did you mean 'strip'?)")


def test_missing_required_key():
    assert error_text(fence("kind: activations\nmodel: m\nprobe: p.png")) == \
        "post.md:1: activations figure: missing key 'layers'"


def test_cross_key_check():
    assert error_text(fence("kind: activations\nmodel: m\nlayers: [c]")) == \
        "post.md:1: an activations figure needs 'probe' or 'probes'"


def test_yaml_error_reports_the_line_inside_the_file():
    body = "intro\n\n" + fence("kind: summary\nmodel: [m\nid: x")
    assert error_text(body, body_line=4) == ("post.md:9: malformed YAML: did not find expected ',' or ']' "
                                             "(check the indentation and quote values that contain ': ')")


def test_block_that_is_not_a_mapping():
    assert error_text(fence("- kind: summary")) == \
        "post.md:1: a figure block must be a YAML mapping of keys to values (start with 'kind: ...')"


def test_missing_kind_lists_the_kinds():
    assert error_text(fence("model: m")).startswith("post.md:1: figure block has no 'kind' (kinds: activations, ")


def test_bad_id():
    assert error_text(fence("kind: summary\nmodel: m\nid: a b")) == \
        "post.md:1: figure id 'a b' may only hold letters, digits, '-' and '_'"


def test_parsed_blocks_are_parsed_once_and_kept_for_one_version_of_the_code(tmp_path, monkeypatch):
    import generator.figures.collect as collect

    parses = []
    parse = collect.parse_block_text
    monkeypatch.setattr(collect, "parse_block_text", lambda *args: parses.append(args[2]) or parse(*args))
    memo = tmp_path / "builds" / "figure-blocks.pickle"
    body = fence("kind: summary\nmodel: m\nid: s") + "\n\n" + fence("kind: curves\nmodel: m")

    def extract(text: str, version: str = "v1", body_line: int = 1):
        parsed = collect.ParsedBlocks(memo, version)
        result = extract_figures(text, POST, body_line, parsed.request)
        parsed.save()
        return result

    first_body, first = extract(body)
    assert parses == [1, 7]
    moved_body, moved = extract("A new paragraph.\n\n" + body, body_line=3)   # a prose edit: nothing parsed
    assert parses == [1, 7]
    assert [(r.kind, r.figure_id, r.options, r.model_refs) for r in moved] == \
        [(r.kind, r.figure_id, r.options, r.model_refs) for r in first]
    assert [r.line for r in moved] == [5, 11] and moved_body.endswith(first_body)
    moved[0].options["model"] = "changed"                      # each request holds its own options
    assert extract(body)[1][0].options["model"] == "m" and parses == [1, 7]
    extract(body.replace("kind: curves", "kind: curves\ncaption: New"))   # an edited block is parsed again
    assert parses == [1, 7, 7]
    extract(body, version="v2")                                 # other code: every block parsed again
    assert parses == [1, 7, 7, 1, 7]
    memo.write_bytes(b"damaged")
    extract(body, version="v2")
    assert parses == [1, 7, 7, 1, 7, 1, 7]
