"""A reader's own image: the explorer's ONNX models and the ONNX Runtime Web files a site needs.

Opt-in per site (`layerpress: {explorer: {reader_images: true}}`): each explorer entry then
holds `<variant>.onnx`, every layer of the network as an output (`onnx_export.py`), unless the
file is over `BUDGET`; the page runs it in the browser with ONNX Runtime Web, which `make ort`
puts into the theme (`templates/ort/`) from npm.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import ConfigError
from generator.builtin_theme import THEME_DIR

BUDGET = 4_000_000                 # bytes of one ONNX file; a larger model gets no reader's image
RUNTIME_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm", "NOTICE")
RUNTIME_MODULE = "assets/ort/ort.wasm.bundle.min.mjs"


def enabled(config) -> bool:
    """The site's `layerpress.explorer.reader_images` (false by default; checked by load_config)."""
    return config.option("explorer")["reader_images"]


def versions(config_file=None) -> dict[str, dict]:
    """What the converted files depend on (for the cache key); reads package metadata, imports nothing."""
    from generator.explore.onnx_export import INSTALL_HINT, OPSET
    from generator.package_versions import installed_version

    found = {name: installed_version(name) for name in ("tf2onnx", "onnx")}
    for name, found_version in found.items():
        if found_version is None:
            raise ConfigError(f"layerpress.explorer.reader_images needs {name}, which is not installed",
                              file=config_file, hint=INSTALL_HINT)
    runtime_files(config_file)
    return {"reader": found | {"opset": OPSET, "budget": BUDGET}}


def runtime_files(config_file=None) -> list[tuple[str, Path]]:
    """(site path, theme file) of ONNX Runtime Web; an error if `make ort` has not put them in the theme."""
    folder = THEME_DIR / "ort"
    missing = [name for name in RUNTIME_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(f"layerpress.explorer.reader_images needs ONNX Runtime Web in {folder} "
                          f"({', '.join(missing)} missing)", file=config_file,
                          hint="run `make ort` in the layerpress checkout (it uses npm), or set reader_images: false")
    return [(f"assets/ort/{name}", folder / name) for name in RUNTIME_FILES]


def add_models(folder: Path, networks: dict, layers: list[str]) -> dict:
    """Write `<variant>.onnx` for each network into a cache entry; the index.json `reader` entry.

    A model tf2onnx cannot convert, or whose file would be over BUDGET, gets a `skipped` reason instead.
    """
    from generator.explore.onnx_export import INPUT_NAME, convert

    preprocess = next(iter(networks.values())).record.get("preprocess")
    if preprocess:  # the page feeds the ONNX model raw pixels; the network wants them through this first
        return {"skipped": f"its inputs go through {preprocess}, which the page does not run"}
    if any("/" in layer for layer in layers):
        return {"skipped": "it has layers inside nested models, which the ONNX export does not reach"}
    converted = {}
    for variant, network in networks.items():
        keras_model = network.keras_model
        try:
            converted[variant] = convert(keras_model, layers)
        except Exception as problem:  # any converter failure: this model just gets no reader's image
            first_line = (str(problem).strip().splitlines() or [""])[0][:160]
            return {"skipped": f"tf2onnx cannot convert it ({type(problem).__name__}: {first_line})"}
        if len(converted[variant].onnx) > BUDGET:
            return {"skipped": f"its ONNX file would be {len(converted[variant].onnx) / 1e6:.2f} MB, "
                               f"over the {BUDGET / 1e6:.2f} MB budget"}
    for variant, model in converted.items():
        (folder / f"{variant}.onnx").write_bytes(model.onnx)
    return {"input": INPUT_NAME, "input_shape": next(iter(networks.values())).record["input_shape"],
            "files": {variant: f"{variant}.onnx" for variant in converted},
            "outputs": [[output, layer] for output, layer in converted["trained"].outputs]}
