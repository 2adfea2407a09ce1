"""Package versions read from their .dist-info folder names agree with importlib.metadata."""

from importlib import metadata

from generator.package_versions import installed_version, normalized


def test_versions_agree_with_importlib_metadata_and_a_missing_package_is_none():
    for name in ("numpy", "pillow", "Pillow", "matplotlib", "markdown", "pymdown-extensions", "python-liquid",
                 "keras", "tensorflow", "PyYAML", "layerpress"):
        assert installed_version(name) == metadata.version(name), name
    assert installed_version("no-such-package-layerpress-test") is None


def test_names_are_compared_as_installers_write_them():
    assert normalized("pymdown-extensions") == normalized("pymdown_extensions") == "pymdown_extensions"
    assert normalized("Zope.Interface") == "zope_interface"
