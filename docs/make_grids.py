"""Render docs/quality.md's automatic-backend grids: photos of people, and photos of held-out sources.

    python docs/make_grids.py [--photos ../shared/data/photos] [--out docs]

Each grid is one row per photo: grey input | zhang | gan | fusion | ground truth, made by
`training.evaluate` (the evaluation protocol: photos squashed to 256 x 256, no hints) with the
shipped weights in models/, and written as a JPEG under 1 MB:

- docs/people_grid.jpg: the corpus's photos of people (`PEOPLE`, picked by looking at them;
  family photos are mostly people, so skin, hair and clothing must not turn green, cyan or grey);
- docs/held_out_grid.jpg: photos of the sources held out of training (`HELD_OUT_SOURCES`).

Rerun it after retraining the networks; it also prints each grid's PSNR and colourfulness.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ideepcolor_app.atomic import atomic_write_bytes  # noqa: E402
from training.evaluate import evaluate  # noqa: E402
from training.report import save_grid  # noqa: E402

AUTOMATIC = ("zhang", "gan", "fusion")
HELD_OUT_SOURCES = ("kphotoalbum", "opencv-doc")
HELD_OUT_ROWS = 12
MAX_BYTES = 1_000_000

#: Photos of people in the corpus (relative to the photos folder), chosen by eye: portraits,
#: couples, groups, uniforms and stage costumes, indoors and out.
PEOPLE = (
    "train/matplotlib_grace_hopper.jpg",
    "train/skimage_astronaut.jpg",
    "train/mahotas_luispedro.jpg",
    "train/fotoxx_painting2.jpg",
    "train/fotoxx_red_eyes2.jpg",
    "train/kphotoalbum_anne_helene.jpg",
    "train/kphotoalbum_bar55.jpg",
    "train/kphotoalbum_bar55_2.jpg",
    "train/kphotoalbum_cold_water.jpg",
    "train/kphotoalbum_grand_canyon_1.jpg",
    "train/kphotoalbum_jesper.jpg",
    "train/kphotoalbum_jesper_2.jpg",
    "train/kphotoalbum_new_wave_2.jpg",
    "train/kphotoalbum_pool.jpg",
    "train/kphotoalbum_qt_logo.jpg",
    "train/kphotoalbum_wayne.jpg",
    "train/gimphelp_quickie_flip_example_source.jpg",
    "train/gcompris_explore_world_music_australia.jpg",
)


def compact_jpeg(path: Path, max_bytes: int = MAX_BYTES) -> int:
    """Re-encode the grid at `path` at the highest JPEG quality under `max_bytes`; its size."""
    image = Image.open(path).convert("RGB")
    for quality in (90, 85, 80, 75, 70, 60, 50):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if buffer.tell() <= max_bytes:
            break
    atomic_write_bytes(path, buffer.getvalue())
    return buffer.tell()


def render(weights: list[Path], folders: list[str], out: Path, rows: int, sources: tuple[str, ...] = ()) -> dict:
    """Evaluate the automatic networks on `folders`, write their grid to `out`; the results."""
    results, columns = evaluate(weights, folders, levin=False, sources=sources)
    save_grid(columns, out, rows)
    size = compact_jpeg(out)
    print(f"wrote {out} ({results['images']} photos, {size / 1e6:.2f} MB)")
    for name, method in results["methods"].items():
        print(
            f"  {name:>8}: PSNR {method['psnr']['0']:.2f} dB, colourfulness {method['colourfulness']:.1f} "
            f"(truth {results['ground_truth_colourfulness']:.1f}), false colour {100 * method['false_colour']:.2f} %"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--photos",
        type=Path,
        default=REPO.parent / "shared" / "data" / "photos",
        help="the corpus folder (with train/, val/ and MANIFEST.csv)",
    )
    parser.add_argument("--models", type=Path, default=REPO / "models", help="folder of the weights")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="folder for the grids")
    args = parser.parse_args(argv)
    weights = [args.models / f"{name}.safetensors" for name in AUTOMATIC]
    missing = [str(p) for p in weights + [args.photos / p for p in PEOPLE] if not p.is_file()]
    if missing:
        print(f"make_grids: missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="ideepcolor-people-") as folder:
        for index, relative in enumerate(PEOPLE):  # numbered links keep the listed order
            (Path(folder) / f"{index:02d}_{Path(relative).name}").symlink_to((args.photos / relative).resolve())
        render(weights, [folder], args.out / "people_grid.jpg", len(PEOPLE))
    render(
        weights,
        [str(args.photos / "train"), str(args.photos / "val")],
        args.out / "held_out_grid.jpg",
        HELD_OUT_ROWS,
        HELD_OUT_SOURCES,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
