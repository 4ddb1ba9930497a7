"""Colourfulness calibration of a trained automatic network, chosen on validation photos.

    python -m training.calibrate --weights runs/zhang/zhang.safetensors [--images VAL ...] [--out models]

Automatic networks trade colourfulness against PSNR through one knob, measured here on val:

- `zhang`: the annealed-mean temperature T of softmax(logits / T). The app decodes at the
  paper's T = 0.38; the chosen T is folded into the last 1x1 conv (weight and bias scaled by
  0.38 / T), so decoding at 0.38 behaves as decoding the original logits at T. Bin rankings,
  and so the suggested colours' order, are unchanged.
- `gan`, `fusion` and the heads on the shared encoder (`zhang_lite` too: its peaked
  distributions barely respond to T): a boost of the output's weak chroma (`chroma_boost` in
  the network's config, see `ideepcolor_app.nets.blocks.scale_chroma`; regression to the mean
  makes these greyer than the photos they learn from). Networks calibrated before it carry a
  linear `chroma_gain` instead, which made strong colours stronger too: at the same val
  colourfulness the boost scores higher and paints a third as much false colour.
- `propagated_hints` (the `hints` network): how far the result leans towards the propagated
  hint colour where that is confident (`propagation_blend`), the best mean PSNR over 1-100
  hints. A network with `learned_blend` learnt that per pixel: there is nothing to calibrate.

The choice is the best PSNR among settings whose colourfulness reaches 76% of the ground
truth's: the bar for an automatic backend is 70% (docs/quality.md), and the networks are greyer on photos
unlike their training set (on the held-out sources, by 4-12 % of the truth's colourfulness),
so val must clear the bar with a margin. The choice and the whole sweep go into the model card.
`--again` replaces an earlier chroma or blend calibration (after the propagation changed).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import torch

from ideepcolor_app.engine.backends import HintsBackend
from ideepcolor_app.engine.session import DEFAULT_TEMPERATURE
from ideepcolor_app.engine.weights import load_weights, read_card, save_weights
from ideepcolor_app.nets.base import ColorNet
from ideepcolor_app.nets.propagated_hints import PropagatedHintsNet
from ideepcolor_app.nets.zhang import AnnealedMean
from training.config import DataConfig
from training.evaluate import backend_predictor
from training.protocol import HINT_COUNTS, ground_truth_colourfulness, load_eval_images, run_protocol

TEMPERATURES = (0.2, 0.25, 0.3, 0.34, 0.38, 0.42, 0.46, 0.5, 0.52, 0.55, 0.6, 0.7)
PROPAGATION_BLENDS = (0.0, 0.25, 0.5, 0.75, 1.0)
CHROMA_BOOSTS = tuple(1.0 + 0.125 * i for i in range(17))  # 1 to 3: fine, so the choice lands near the bar
#: An automatic backend's colourfulness must reach this share of the truth's (docs/quality.md).
COLOURFUL_ENOUGH = 0.70
#: Colourfulness margin above the bar on val (module docstring).
MARGIN = 0.06
#: Families calibrated by the annealed-mean temperature, and by a chroma boost.
TEMPERATURE_FAMILIES = ("zhang",)
CHROMA_FAMILIES = ("gan", "gan_lite", "fusion", "fusion_lite", "zhang_lite")
#: How each calibration starts its sentence in the card's description (`--again` cuts there).
BLEND_NOTE = " Calibrated on val: the result leans"
CHROMA_NOTE = " Chroma-calibrated on val"


def fold_temperature(net: AnnealedMean, temperature: float) -> None:
    """Scale the bin-logit conv so that decoding at DEFAULT_TEMPERATURE equals `temperature`."""
    head = net.logits_layer()
    with torch.no_grad():
        head.weight.mul_(DEFAULT_TEMPERATURE / temperature)
        if head.bias is not None:
            head.bias.mul_(DEFAULT_TEMPERATURE / temperature)


def set_chroma(net: ColorNet, gain: float = 1.0, boost: float = 1.0) -> None:
    """Set the chroma gain and boost of a network of `CHROMA_FAMILIES` (their configs have both)."""
    net.config = dataclasses.replace(net.config, **{"chroma_gain": gain, "chroma_boost": boost})


def sweep_blend(backend: HintsBackend, images) -> list[dict]:
    """Propagated-hints network: protocol PSNR at 1-100 hints for each propagation blend,
    through the app's own `hints` backend."""
    counts = [n for n in HINT_COUNTS if n > 0]
    rows = []
    net = backend.net
    assert isinstance(net, PropagatedHintsNet)  # the only family with a propagation blend
    for value in PROPAGATION_BLENDS:
        net.config = dataclasses.replace(net.config, propagation_blend=value)
        psnr = run_protocol(backend_predictor(backend), images, counts)["psnr"]
        rows.append(
            {
                "propagation_blend": value,
                "psnr": round(float(sum(psnr.values()) / len(psnr)), 3),
                "psnr_by_count": {str(k): round(v, 3) for k, v in psnr.items()},
            }
        )
    return rows


def sweep(net: ColorNet, images, knob: str, values) -> list[dict]:
    """Protocol PSNR at 0 hints and colourfulness ratio for each value of `knob`."""
    gt = ground_truth_colourfulness(images)
    rows = []
    with torch.inference_mode():
        for value in values:
            if knob == "temperature":
                assert isinstance(net, AnnealedMean)  # `TEMPERATURE_FAMILIES` decode an annealed mean
                predict = lambda l, hints, value=value: net.colorize(l, value)  # noqa: E731
            else:
                set_chroma(net, boost=value)
                decode = net.colorize if isinstance(net, AnnealedMean) else net
                predict = lambda l, hints, decode=decode: decode(l)  # noqa: E731
            result = run_protocol(predict, images, (0,))
            rows.append(
                {
                    knob: value,
                    "psnr": round(result["psnr"][0], 3),
                    "colourfulness_ratio": round(result["colourfulness"] / gt, 3),
                }
            )
    return rows


def choose(rows: list[dict]) -> dict:
    """Best PSNR among settings colourful enough with a margin (else the most colourful)."""
    colourful = [r for r in rows if r["colourfulness_ratio"] >= COLOURFUL_ENOUGH + MARGIN]
    if not colourful:
        return max(rows, key=lambda r: r["colourfulness_ratio"])
    return max(colourful, key=lambda r: r["psnr"])


def calibrate_blend(card, args: argparse.Namespace) -> int:
    """Choose the propagation blend with the best mean PSNR over 1-100 hints on val."""
    backend = HintsBackend(str(args.weights), device="cpu")
    net = backend.net
    rows = sweep_blend(backend, load_eval_images(args.images, args.size))
    best = max(rows, key=lambda r: r["psnr"])
    for row in rows:
        print(
            f"propagation_blend {row['propagation_blend']:.2f}: mean PSNR over 1-100 hints "
            f"{row['psnr']:.2f} dB" + ("   <- chosen" if row is best else "")
        )
    card.metrics["calibration"] = {
        "knob": "propagation_blend",
        "chosen": best["propagation_blend"],
        "sweep": rows,
        "rule": "best mean PSNR over 1-100 hints",
    }
    net.config = dataclasses.replace(net.config, propagation_blend=best["propagation_blend"])
    card.config["propagation_blend"] = best["propagation_blend"]
    card.description += f"{BLEND_NOTE} towards the propagated colour by {best['propagation_blend']} x its confidence."
    print(f"wrote {save_weights(net, card, args.out or args.weights.parent)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, required=True)
    parser.add_argument("--images", nargs="+", default=list(DataConfig().val))
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--out", type=Path, help="folder for the calibrated weights (default: in place)")
    parser.add_argument(
        "--again", action="store_true", help="replace an earlier calibration (chroma: gain and boost reset first)"
    )
    args = parser.parse_args(argv)
    card = read_card(args.weights)
    families = TEMPERATURE_FAMILIES + CHROMA_FAMILIES + ("propagated_hints",)
    if card.family not in families:
        parser.error(f"{args.weights} is a {card.family!r} network; calibration is for " + ", ".join(families))
    again_families = CHROMA_FAMILIES + ("propagated_hints",)
    if "calibration" in card.metrics and not (args.again and card.family in again_families):
        parser.error(
            f"{args.weights} is already calibrated"
            + (" (--again replaces it)" if card.family in again_families else "")
        )
    if card.family == "propagated_hints":
        if card.config.get("learned_blend"):
            print(f"{args.weights} learnt its propagation blend per pixel (learned_blend): nothing to calibrate")
            return 0
        if args.again:
            card.description = card.description.split(BLEND_NOTE)[0]
        return calibrate_blend(card, args)
    net, card = load_weights(args.weights)
    temperature = card.family in TEMPERATURE_FAMILIES
    knob, values = ("temperature", TEMPERATURES) if temperature else ("chroma_boost", CHROMA_BOOSTS)
    if args.again:
        card.description = card.description.split(CHROMA_NOTE)[0]
    rows = sweep(net, load_eval_images(args.images, args.size), knob, values)
    best = choose(rows)
    for row in rows:
        print(
            f"{knob} {row[knob]:.2f}: PSNR {row['psnr']:.2f} dB, "
            f"colourfulness {row['colourfulness_ratio']:.2f} of ground truth" + ("   <- chosen" if row is best else "")
        )
    card.metrics["calibration"] = {
        "knob": knob,
        "chosen": best[knob],
        "sweep": rows,
        "rule": f"best PSNR with colourfulness >= {COLOURFUL_ENOUGH + MARGIN:.2f} of ground truth",
    }
    if knob == "temperature":
        assert isinstance(net, AnnealedMean)  # `TEMPERATURE_FAMILIES` decode an annealed mean
        fold_temperature(net, best[knob])
        card.description += (
            f" Temperature-calibrated on val: logits scaled by {DEFAULT_TEMPERATURE}/"
            f"{best[knob]} so the app's T = {DEFAULT_TEMPERATURE} decodes like T = {best[knob]}."
        )
    else:
        set_chroma(net, boost=best[knob])
        card.config.update(chroma_gain=1.0, chroma_boost=best[knob])
        card.description += f"{CHROMA_NOTE}: weak chroma boosted {best[knob]} x (`scale_chroma`)."
    print(f"wrote {save_weights(net, card, args.out or args.weights.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
