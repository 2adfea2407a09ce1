"""Package versions read from the Version line of their metadata agree with importlib.metadata."""

from importlib import metadata

from generator.package_versions import installed_version


def test_versions_agree_with_importlib_metadata_and_a_missing_package_is_none():
    for name in ("numpy", "pillow", "matplotlib", "markdown", "pymdown-extensions", "python-liquid", "keras"):
        assert installed_version(name) == metadata.version(name), name
    assert installed_version("no-such-package-layerpress-test") is None
