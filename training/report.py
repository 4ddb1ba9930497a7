"""Figures for docs/quality.md and model cards: PSNR-versus-hints plot and a grid of results."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ideepcolor_app.atomic import atomic_write_bytes

#: Line style per kind of method in the plot.
_STYLE = {"hints": "-o", "automatic": "--", "reference": ":s"}


def save_plot(results: dict, path: Path) -> None:
    """PSNR against the number of hints: one line per hint method, flat lines for automatic
    methods (they ignore hints), points for the references. Written atomically as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = results["hint_counts"]
    positions = {str(n): i for i, n in enumerate(counts)}
    fig, ax = plt.subplots(figsize=(9.5, 4.8), dpi=110)
    colours = (f"C{i}" for i in range(100))  # one colour per method: flat lines look alike otherwise
    for name, method in results["methods"].items():
        psnr = method["psnr"]
        if len(psnr) == 1 and "0" in psnr and method["kind"] != "reference" or name == "grey":
            ax.axhline(
                psnr["0"],
                linestyle="--" if name != "grey" else ":",
                linewidth=1.2,
                label=f"{name} (no hints: {psnr['0']:.2f} dB)",
                color="0.5" if name == "grey" else next(colours),
            )
            continue
        xs = [positions[k] for k in psnr]
        ax.plot(
            xs, list(psnr.values()), _STYLE.get(method["kind"], "-o"), label=name, markersize=4, color=next(colours)
        )
    ax.set_xticks(range(len(counts)), [str(n) for n in counts])
    ax.set_xlabel("number of simulated hints (patch side 6)")
    ax.set_ylabel("PSNR (dB), 8-bit sRGB")
    ax.set_title(f"{results['images']} validation photos at {results['size']} x {results['size']}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    atomic_write_bytes(path, buffer.getvalue())


def save_grid(columns: dict[str, list[np.ndarray]], path: Path, rows: int = 6, tile: int = 160) -> None:
    """A grid of results: one row per photo (spread over the set), one column per method,
    with the column names on top. JPEG or PNG by suffix, written atomically."""
    names = list(columns)
    total = len(next(iter(columns.values())))
    picks = np.linspace(0, total - 1, min(rows, total)).round().astype(int)
    header, pad = 28, 4
    width = len(names) * (tile + pad) + pad
    height = header + len(picks) * (tile + pad) + pad
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    for c, name in enumerate(names):
        x = pad + c * (tile + pad)
        draw.text((x + 2, 6), name, fill="black")
        for r, index in enumerate(picks):
            image = Image.fromarray(columns[name][index]).resize((tile, tile), Image.Resampling.LANCZOS)
            canvas.paste(image, (x, header + pad + r * (tile + pad)))
    buffer = io.BytesIO()
    fmt = "JPEG" if path.suffix.lower() in (".jpg", ".jpeg") else "PNG"
    canvas.save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    atomic_write_bytes(path, buffer.getvalue())
