"""Render real old scans with every automatic backend, to look at (they have no colour truth).

    python -m training.old_scans_grid --out docs/old_scans_colour.jpg [--coherence off]

One row per scan: the grey scan, then `zhang`, `gan`, `fusion` and `hints` without points,
each as the app colourizes it (working size 256, composed at the scan's size, shown scaled).
`--coherence off` renders the networks' own output, boosted everywhere, for comparison.
The JPEG is written atomically, its quality lowered until it fits `--max-kb`.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.color import rgb_to_l_np
from ideepcolor_app.engine.backends import NetworkBackend, create_backend
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.imageio import read_photo

AUTOMATIC = ("zhang", "gan", "fusion", "hints")
#: Scans picked to show what goes wrong on old prints: a white dress, grey skies, a plain
#: backdrop, faces large and small, a street scene.
SCANS = (
    "20swoman.jpg",
    "parisladies1910.jpg",
    "marilyn_portrait.jpg",
    "judygarland.jpg",
    "texas1938woman.jpg",
    "1948carsgrandma.jpg",
    "women_bikers.jpg",
    "paddingtonstationlondon1907.jpg",
)
TILE = 240


def render_rows(folder: Path, scans, coherence: bool) -> tuple[list[str], list[list[np.ndarray]]]:
    """Column names and, per scan, [grey, one (H,W,3) uint8 result per automatic backend]."""
    backends = [create_backend(name, device="cpu") for name in AUTOMATIC]
    for backend in backends:
        if not coherence and isinstance(backend, NetworkBackend):
            backend.coherence = None
    rows = []
    for scan in scans:
        rgb = read_photo(folder / scan).rgb.astype(np.float32)
        l = rgb_to_l_np(rgb)
        grey = np.repeat((rgb.mean(axis=2, keepdims=True) * 255 + 0.5).astype(np.uint8), 3, axis=2)
        rows.append([grey] + [ColorizeSession(l, b, 256).colorize() for b in backends])
    suffix = "" if coherence else " (no coherence)"
    return ["grey scan"] + [f"{name}{suffix}" for name in AUTOMATIC], rows


def grid_jpeg(names: list[str], rows: list[list[np.ndarray]], max_kb: int, tile: int = TILE) -> bytes:
    """The grid as JPEG bytes under `max_kb` (quality lowered in steps of 5 from 90)."""
    heights = [round(tile * r[0].shape[0] / r[0].shape[1]) for r in rows]
    header, pad = 18, 3
    canvas = Image.new("RGB", (len(names) * (tile + pad) + pad, header + sum(h + pad for h in heights)), "white")
    draw = ImageDraw.Draw(canvas)
    for c, name in enumerate(names):
        draw.text((pad + c * (tile + pad) + 2, 4), name, fill="black")
    y = header
    for row, height in zip(rows, heights, strict=True):
        for c, image in enumerate(row):
            cell = Image.fromarray(image).resize((tile, height), Image.Resampling.LANCZOS)
            canvas.paste(cell, (pad + c * (tile + pad), y))
        y += height + pad
    for quality in range(90, 20, -5):
        buffer = io.BytesIO()
        canvas.save(buffer, "JPEG", quality=quality)
        if buffer.tell() <= max_kb * 1000:
            break
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=Path, default=Path("../shared/data/oldphotos"))
    parser.add_argument("--out", type=Path, default=Path("docs/old_scans_colour.jpg"))
    parser.add_argument("--coherence", choices=("on", "off"), default="on")
    parser.add_argument("--max-kb", type=int, default=490)
    args = parser.parse_args(argv)
    names, rows = render_rows(args.scans, SCANS, args.coherence == "on")
    data = grid_jpeg(names, rows, args.max_kb)
    atomic_write_bytes(args.out, data)
    print(f"wrote {args.out} ({len(data) // 1000} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
