"""docs/reference/models.md is generated from the spec declarations: the committed page is the current one."""

from pathlib import Path

from generator.models.reference import reference
from generator.models.spec import TOP_KEYS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "models.md"


def test_the_committed_models_reference_is_the_generated_one():
    assert PAGE.read_text() == reference(), \
        "run `make reference` (python -m generator.models.reference > docs/reference/models.md)"


def test_every_top_key_is_on_the_page():
    page = reference()
    assert all(f"| `{key}` |" in page for key in TOP_KEYS)
    assert "## `compile:`" in page and "| `epochs` | `10` |" in page and "| `monitor` |" in page
