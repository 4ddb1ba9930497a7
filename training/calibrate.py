"""Temperature calibration of a trained `zhang` network, chosen on validation photos.

    python -m training.calibrate --weights runs/zhang/zhang.safetensors [--images VAL ...]

The annealed mean softmax(logits / T) trades colourfulness (small T) against PSNR (large T).
The app decodes at the paper's T = 0.38. This command measures the protocol at several T and
picks the one with the best PSNR among those whose colourfulness reaches 62% of the ground
truth's (the issue's bar for an automatic backend is 60%; 2 points of margin), then folds it into the network: the last
1x1 conv's weight and bias are scaled by 0.38 / T, so decoding at 0.38 behaves as decoding
the original logits at T. Bin rankings, and so the suggested colours' order, are unchanged.
The choice and the measurements go into the model card.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from ideepcolor_app.engine.session import DEFAULT_TEMPERATURE
from ideepcolor_app.engine.weights import load_weights, save_weights
from ideepcolor_app.nets import ZhangNet

from training.config import DataConfig
from training.loop import COLOURFUL_ENOUGH
from training.protocol import ground_truth_colourfulness, load_eval_images, run_protocol

TEMPERATURES = (0.38, 0.42, 0.46, 0.5, 0.52, 0.55, 0.6, 0.7)
#: Colourfulness margin above the bar, so that the choice does not sit on the edge.
MARGIN = 0.02


def fold_temperature(net: ZhangNet, temperature: float) -> None:
    """Scale the bin-logit conv so that decoding at DEFAULT_TEMPERATURE equals `temperature`."""
    head = net.model8[-1]
    with torch.no_grad():
        head.weight.mul_(DEFAULT_TEMPERATURE / temperature)
        head.bias.mul_(DEFAULT_TEMPERATURE / temperature)


def sweep(net: ZhangNet, images, temperatures) -> list[dict]:
    gt = ground_truth_colourfulness(images)
    rows = []
    with torch.inference_mode():
        for t in temperatures:
            result = run_protocol(lambda l, hints: net.colorize(l, t), images, (0,))
            rows.append({"temperature": t, "psnr": round(result["psnr"][0], 3),
                         "colourfulness_ratio": round(result["colourfulness"] / gt, 3)})
    return rows


def choose(rows: list[dict]) -> dict:
    """Best PSNR among temperatures colourful enough with a margin (else the most colourful)."""
    colourful = [r for r in rows if r["colourfulness_ratio"] >= COLOURFUL_ENOUGH + MARGIN]
    if not colourful:
        return max(rows, key=lambda r: r["colourfulness_ratio"])
    return max(colourful, key=lambda r: r["psnr"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, required=True)
    parser.add_argument("--images", nargs="+", default=list(DataConfig().val))
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--out", type=Path, help="folder for the calibrated weights (default: in place)")
    args = parser.parse_args(argv)
    net, card = load_weights(args.weights)
    if card.family != "zhang":
        parser.error(f"{args.weights} is a {card.family!r} network; calibration is for 'zhang'")
    if "temperature_calibration" in card.metrics:
        parser.error(f"{args.weights} is already calibrated")
    rows = sweep(net, load_eval_images(args.images, args.size), TEMPERATURES)
    best = choose(rows)
    for row in rows:
        print(f"T {row['temperature']:.2f}: PSNR {row['psnr']:.2f} dB, colourfulness {row['colourfulness_ratio']:.2f} of ground truth"
              + ("   <- chosen" if row is best else ""))
    fold_temperature(net, best["temperature"])
    card.metrics["temperature_calibration"] = {
        "chosen": best["temperature"], "rule": f"best PSNR with colourfulness >= {COLOURFUL_ENOUGH + MARGIN:.2f} of ground truth",
        "logit_scale": round(DEFAULT_TEMPERATURE / best["temperature"], 6), "sweep": rows,
    }
    card.description += (f" Temperature-calibrated on val: logits scaled by {DEFAULT_TEMPERATURE}/"
                         f"{best['temperature']} so the app's T = {DEFAULT_TEMPERATURE} decodes like T = {best['temperature']}.")
    print(f"wrote {save_weights(net, card, args.out or args.weights.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
