"""The explorer's size budget: every layer while it fits, then fewer channels, then fewer layers."""

from generator.explore.budget import JSON_BYTES_PER_MAP, LAYER_BYTES, MIN_CHANNELS, map_shape, plan


def layers(*shapes):
    return [{"name": f"l{index}", "output_shape": [None, *shape]} for index, shape in enumerate(shapes)]


def cost(kept, shapes, probes=1, variants=1):
    return sum(probes * variants * channels * (shapes[name][1] * shapes[name][2] + JSON_BYTES_PER_MAP)
               for name, channels in kept.items())


def test_map_shapes_follow_the_explorer_data_layout():
    assert map_shape([None, 8, 6, 3]) == (3, 8, 6)
    assert map_shape([None, 10]) == (1, 1, 10)
    assert map_shape([None, 4, 5]) == (1, 4, 5)
    assert map_shape([None, 2, 2, 2, 2]) is None


def test_everything_is_kept_when_it_fits():
    entries = layers((8, 8, 16), (10,))
    assert plan(entries, 2, 2, 10**6) == plan(entries, 2, 2, 10**6)
    kept = plan(entries, 2, 2, 10**6)
    assert kept.channels == {"l0": 16, "l1": 1} and kept.left_out == ""


def test_channels_are_capped_before_layers_are_left_out():
    entries = layers((10, 10, 256), (10, 10, 64), (100,))
    shapes = {e["name"]: map_shape(e["output_shape"]) for e in entries}
    budget = 12_000 + len(entries) * LAYER_BYTES
    kept = plan(entries, 1, 1, budget)
    cap = kept.channels["l0"]
    assert MIN_CHANNELS <= cap < 64 and kept.channels == {"l0": cap, "l1": min(64, cap), "l2": 1}
    assert cost(kept.channels, shapes) <= 12_000 < cost({"l0": cap + 1, "l1": min(64, cap + 1), "l2": 1}, shapes)
    assert kept.left_out == f"2 layers show their first {cap} channels"


def test_layers_are_left_out_evenly_when_even_few_channels_are_too_many():
    entries = layers(*[(32, 32, 64)] * 10)
    three_layers = 2 * 2 * MIN_CHANNELS * (32 * 32 + JSON_BYTES_PER_MAP) * 3
    kept = plan(entries, 2, 2, three_layers + 10 * LAYER_BYTES + 100)
    assert list(kept.channels) == ["l0", "l5", "l9"]
    assert all(channels == MIN_CHANNELS for channels in kept.channels.values())
    assert kept.left_out == "3 layers show their first 4 channels, 7 of 10 layers are left out"


def test_grad_cam_is_kept_within_its_share_of_the_budget_and_named_when_left_out():
    entries = layers((8, 8, 16))
    few = plan(entries, 2, 1, 10**6, input_shape=[28, 28, 1], gradcam_classes=10)
    assert few.gradcam and few.left_out == ""
    many = plan(entries, 2, 1, 10**6, input_shape=[28, 28, 1], gradcam_classes=1000)   # 1.6 MB of maps
    assert not many.gradcam and many.channels == few.channels
    assert many.left_out == "Grad-CAM is left out (the maps of 1000 classes would take 1.6 MB)"
    assert plan(entries, 2, 1, 10**6, input_shape=[28, 28, 1]).gradcam   # no classes: nothing to leave out
