"""The explorer's 8-bit storage: every value comes back within half a quantisation step."""

from __future__ import annotations

import numpy as np
import pytest

from generator.explore.data import LEVELS, as_maps, quantise


def test_values_come_back_within_half_a_step():
    rng = np.random.default_rng(4)
    maps = rng.normal(3.0, 2.5, size=(2, 5, 7, 9)).astype(np.float32)
    stored = quantise(maps)
    assert stored.codes.dtype == np.uint8 and stored.codes.shape == maps.shape
    error = np.abs(stored.values() - maps)
    assert (error <= stored.steps[..., None, None] / 2 * (1 + 1e-6)).all()
    # each map uses its whole range: its minimum is code 0 and its maximum code LEVELS
    assert (stored.codes.reshape(2, 5, -1).min(axis=2) == 0).all()
    assert (stored.codes.reshape(2, 5, -1).max(axis=2) == LEVELS).all()


def test_a_map_s_codes_are_the_colour_rule_s_levels():
    """On its own scale a map is drawn in the colour of its code: the code is the figures' colour level."""
    from generator.figures import colour_rule

    rng = np.random.default_rng(5)
    maps = rng.normal(0.0, 1.0, size=(3, 4, 12, 12))
    codes = quantise(maps).codes
    levels = np.stack([colour_rule.map_levels(probe, "map") for probe in maps])
    assert LEVELS + 1 == colour_rule.RAMP_LEVELS
    assert (codes == levels).mean() > 0.999 and np.abs(codes.astype(int) - levels).max() <= 1


def test_a_constant_map_is_exact_with_step_zero():
    maps = np.full((1, 2, 3, 3), 0.75, dtype=np.float32)
    maps[0, 1] = 0.0
    stored = quantise(maps)
    assert stored.steps.tolist() == [[0.0, 0.0]]
    assert np.array_equal(stored.values(), maps)


def test_non_finite_outputs_are_refused():
    maps = np.zeros((1, 1, 2, 2), dtype=np.float32)
    maps[0, 0, 1, 1] = np.nan
    with pytest.raises(ValueError):
        quantise(maps)


@pytest.mark.parametrize("shape, maps", [
    ((2, 6, 5, 4), (2, 4, 6, 5)),     # conv/pool: channels last becomes channels first
    ((2, 10), (2, 1, 1, 10)),         # Dense, Flatten: one 1 x N map
    ((2, 3, 7), (2, 1, 3, 7)),        # a matrix: one map
])
def test_layer_outputs_as_maps(shape, maps):
    outputs = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    assert as_maps(outputs).shape == maps
    if len(shape) == 4:
        assert as_maps(outputs)[1, 2, 3, 4] == outputs[1, 3, 4, 2]


def test_five_dimensional_outputs_have_no_picture():
    assert as_maps(np.zeros((1, 2, 2, 2, 2))) is None
