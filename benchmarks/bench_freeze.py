"""Size of the default blog's frozen results (content/_freeze/), which the repository carries."""

from pathlib import Path

from generator.freeze import FrozenResults

SOURCE = Path(__file__).resolve().parent.parent / "content"
BUDGET_MB = 25


def folder_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6 if folder.is_dir() else 0.0


def run() -> None:
    frozen = FrozenResults(SOURCE)
    if not frozen.exists():
        print(f"no frozen results in {frozen.root}: run `layerpress freeze --source content`")
        return
    total = frozen.size() / 1e6
    models = [entry for key in frozen.models.keys() for entry in [frozen.models.entry_path(key)]]
    published = sum((entry / "model.keras").stat().st_size for entry in models if (entry / "model.keras").is_file())
    print(f"frozen results: {total:.2f} MB ({'within' if total <= BUDGET_MB else 'OVER'} the {BUDGET_MB} MB budget): "
          f"{len(models)} model records, {published / 1e6:.2f} MB of published models, "
          f"{len(frozen.figures.keys())} figures, {folder_megabytes(frozen.figures.root):.2f} MB")
