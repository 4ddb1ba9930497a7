"""Golden outputs of the shipped networks: each network's colours on a fixed input, recorded
beside its model card as ``models/<name>.golden.json`` with the sha256 of the weights they came
from.

A change to the inference path (encoder, decoder, padding, normalisation) that alters a shipped
network's colours fails `tests/engine/test_golden_outputs.py`; so do new weights shipped without
a new golden output. After shipping weights, or after a change that is meant to alter the
colours, record them again:

    python -m training.golden                # every shipped network
    python -m training.golden hints zhang    # some of them
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import torch

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR, load_weights, read_card
from ideepcolor_app.nets.base import ColorNet
from ideepcolor_app.nets.propagated_hints import PropagatedHintsNet
from ideepcolor_app.nets.zhang import AnnealedMean

#: The colour networks the app ships (`models/<name>.safetensors`).
SHIPPED = ("hints", "zhang", "gan", "fusion")
#: Largest difference, in CIELAB ab units, between a recorded and a computed value.
TOLERANCE = 1e-3
INPUT = (
    "L = 50 + 40 sin(col / 7) cos(row / 5) on 64 x 96 pixels; networks that take hints get one "
    "6 x 6 patch of ab (30, -20) at rows 20-25, columns 30-35"
)


def golden_path(name: str, folder: Path = BUNDLED_MODELS_DIR) -> Path:
    return folder / f"{name}.golden.json"


def wave_l(height: int = 64, width: int = 96) -> torch.Tensor:
    """(1,1,H,W) float32 CIELAB L: smooth structure at several scales, no flat areas."""
    yy, xx = torch.meshgrid(torch.arange(float(height)), torch.arange(float(width)), indexing="ij")
    return (50 + 40 * torch.sin(xx / 7) * torch.cos(yy / 5))[None, None]


def network_ab(net: ColorNet) -> torch.Tensor:
    """(1,2,64,96) ab of `net` on `INPUT`: with the hint patch for a hint network, else automatic."""
    l = wave_l()
    with torch.inference_mode():
        if isinstance(net, PropagatedHintsNet):
            hint_ab, mask = torch.zeros(1, 2, 64, 96), torch.zeros(1, 1, 64, 96)
            hint_ab[:, 0, 20:26, 30:36], hint_ab[:, 1, 20:26, 30:36] = 30.0, -20.0
            mask[:, :, 20:26, 30:36] = 1.0
            ab: torch.Tensor = net(l, hint_ab, mask)
        elif isinstance(net, AnnealedMean):
            ab = net.colorize(l)
        else:
            ab = net(l)
    return ab


def record(name: str, folder: Path = BUNDLED_MODELS_DIR) -> dict[str, Any]:
    """The golden output of `folder/<name>.safetensors`: its sha256, and its ab on `INPUT` sampled
    every 24 pixels from (8, 8) (2 x 3 x 4 values) with the mean |ab| over all pixels."""
    weights = folder / f"{name}.safetensors"
    net, card = load_weights(weights)
    ab = network_ab(net)
    return {
        "weights": weights.name,
        "sha256": card.sha256,
        "family": card.family,
        "input": INPUT,
        "ab_every_24_px": [
            [[round(float(v), 4) for v in row] for row in channel] for channel in ab[0, :, 8::24, 8::24].tolist()
        ],
        "mean_abs_ab": round(float(ab.abs().mean()), 4),
        "tolerance": TOLERANCE,
        "regenerate": f"python -m training.golden {name}",
    }


def write(name: str, folder: Path = BUNDLED_MODELS_DIR) -> Path:
    """Record `name`'s golden output beside its card (atomically)."""
    if read_card(folder / f"{name}.safetensors").sha256 is None:
        raise ValueError(f"{folder / name}.json records no sha256: save the weights with save_weights first")
    path = golden_path(name, folder)
    text = json.dumps(record(name, folder), indent=2)
    text = re.sub(
        r"\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]",  # a row of numbers on one line
        lambda row: "[" + re.sub(r",\s*", ", ", row.group(1)) + "]",
        text,
    )
    atomic_write_bytes(path, (text + "\n").encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.golden", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=list(SHIPPED), help=f"networks (default: {' '.join(SHIPPED)})")
    args = parser.parse_args(argv)
    for name in args.names:
        print(write(name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
