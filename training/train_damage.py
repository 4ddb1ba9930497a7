"""Train the restoration's damage detector (`ideepcolor_app.restore.damage_net.DamageNet`).

    python -m training.train_damage --out runs/damage --steps 6000 [--resume] [--minutes 80]
    python -m training.train_damage --out runs/damage --install     # copy the best network to models/

Every sample is a random crop of a training photo's lightness (every held-out source left
out, `training.held_out`), softened a little at random as old prints are, damaged by
`training.print_damage.random_damage` and sometimes saved as JPEG; the target is the damage
model's mask of pixels to fill. Loss: binary cross-entropy (damage weighted `--pos-weight`) plus a soft
Dice term, which keeps thin cracks from drowning in the background. Adam, cosine learning
rate over `--steps`. Each step's samples are a function of (seed, step), so `--resume` goes
on exactly. Validation (every `--val-every` steps) scores intersection over union of the
thresholded mask on val photos damaged by every kind at once, and the share of pixels
flagged on the same photos clean; the best IoU so far is kept as `best.safetensors`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ideepcolor_app.restore.damage_net import DamageNet, DamageNetConfig, border_channels
from ideepcolor_app.restore.detector import load_detector, save_detector
from training.data import list_photos
from training.held_out import ALL_HELD_OUT
from training.print_damage import damage, random_damage
from training.restore_eval import load_lightness

logger = logging.getLogger("train_damage")
PHOTOS = Path(os.environ.get("IDEEPCOLOR_PHOTOS", "../shared/data/photos"))
LONG_SIDE = 1024  # photos are kept at most this long (the corpus's own sizes, mostly)
VAL_SIDE = 256


def load_planes(paths: list[Path], long_side: int = LONG_SIDE, min_side: int = 0) -> list[np.ndarray]:
    """Each photo's L / 100 as (H, W) float32, at most `long_side` long, at least `min_side` short."""
    planes = []
    for path in paths:
        x = load_lightness(path)
        scale = min(1.0, long_side / max(x.shape))
        if min(x.shape) * scale < min_side:
            scale = min_side / min(x.shape)
        if scale != 1.0:
            size = (max(1, round(x.shape[1] * scale)), max(1, round(x.shape[0] * scale)))
            x = cv2.resize(x, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        planes.append(x.astype(np.float32))
    return planes


def jpeg_roundtrip(x: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(np.round(np.clip(x, 0, 1) * 255).astype(np.uint8)).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer), np.float32) / 255


def make_sample(plane: np.ndarray, crop: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One (damaged crop, mask) pair from a clean plane."""
    height, width = plane.shape
    top, left = int(rng.integers(0, height - crop + 1)), int(rng.integers(0, width - crop + 1))
    x = plane[top : top + crop, left : left + crop].copy()
    if rng.random() < 0.5:
        x = x[:, ::-1].copy()
    if rng.random() < 0.5:  # the soft focus of many old prints
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.4, 1.2))
    x, mask = random_damage(x, rng)
    if rng.random() < 0.3:
        x = jpeg_roundtrip(x, int(rng.integers(50, 95)))
    return x, mask


class Samples(torch.utils.data.IterableDataset):
    """The batches of steps `start`, `start + 1`, ...: a function of (seed, step)."""

    def __init__(self, planes: list[np.ndarray], batch: int, crop: int, seed: int, start: int) -> None:
        self.planes, self.batch, self.crop, self.seed, self.start = planes, batch, crop, seed, start

    def __iter__(self):
        step = self.start
        while True:
            rng = np.random.default_rng([self.seed, step])
            pairs = [
                make_sample(self.planes[int(rng.integers(len(self.planes)))], self.crop, rng) for _ in range(self.batch)
            ]
            x = torch.from_numpy(np.stack([p[0] for p in pairs]))[:, None] * 100
            y = torch.from_numpy(np.stack([p[1] for p in pairs]))[:, None].float()
            yield step, x, y
            step += 1


def loss_fn(logits: torch.Tensor, target: torch.Tensor, pos_weight: float = 1.0) -> torch.Tensor:
    bce = F.binary_cross_entropy_with_logits(logits, target, pos_weight=torch.tensor(pos_weight, device=logits.device))
    prob = torch.sigmoid(logits)
    inter = (prob * target).sum()
    dice = 1 - (2 * inter + 1) / (prob.sum() + target.sum() + 1)
    return bce + 0.5 * dice


def val_set(seed: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(clean, damaged, mask) of each val photo squashed to `VAL_SIDE`, damaged by every kind."""
    planes = load_planes(sorted(list_photos([PHOTOS / "val"])))
    out = []
    for index, plane in enumerate(planes):
        clean = cv2.resize(plane, (VAL_SIDE, VAL_SIDE), interpolation=cv2.INTER_AREA)
        damaged, mask = damage(clean, "all", seed * 1000 + index)
        out.append((clean, damaged, mask))
    return out


@torch.no_grad()
def validate(net: DamageNet, data: list, threshold: float = 0.5) -> dict:
    net.eval()
    device = next(net.parameters()).device
    border = border_channels(VAL_SIDE, VAL_SIDE, 0, 0, VAL_SIDE, VAL_SIDE, device)
    inter = union = flagged = total = 0
    for clean, damaged, mask in data:
        both = torch.from_numpy(np.stack([damaged, clean]))[:, None] * 100
        prob = torch.sigmoid(net(both.to(device), border))[:, 0].cpu().numpy()
        found = prob[0] >= threshold
        inter += int((found & mask).sum())
        union += int((found | mask).sum())
        flagged += int((prob[1] >= threshold).sum())
        total += prob[1].size
    net.train()
    return {"iou": inter / max(union, 1), "clean_flagged": flagged / total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.train_damage", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("runs/damage"))
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--minutes", type=float, default=0.0, help="stop after this long (0: run all steps)")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--crop", type=int, default=192)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--pos-weight", type=float, default=1.0, help="weight of damaged pixels in the cross-entropy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--val-every", type=int, default=250)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--refine", type=int, default=0, help="channels of the full-resolution refinement (0: none)")
    parser.add_argument("--init", type=Path, help="start from this detector's weights (those that fit)")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--install", action="store_true", help="copy the best network into models/ and stop")
    parser.add_argument("--evaluation", type=Path, help="with --install: a restore_eval JSON for the card")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.install:
        return install(args.out, args.evaluation)

    device = torch.device(args.device)
    net = DamageNet(DamageNetConfig(refine=args.refine)).to(device)
    if args.init and not (args.resume and (args.out / "checkpoint.pt").exists()):
        missing, _ = net.load_state_dict(load_detector(args.init).state_dict(), strict=False)
        new_parts = ", ".join(sorted({k.split(".")[0] for k in missing}))
        logger.info("started from %s (new: %s)", args.init, new_parts or "none")
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    start, best = 0, -1.0
    checkpoint = args.out / "checkpoint.pt"
    if args.resume and checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False, map_location=device)
        net.load_state_dict(state["net"])
        optimizer.load_state_dict(state["optimizer"])
        start, best = state["step"], state["best"]
        logger.info("resumed at step %d (best IoU %.4f)", start, best)
    (args.out / "config.json").write_text(json.dumps(vars(args), indent=2, default=str) + "\n")

    paths = list_photos([PHOTOS / "train"], exclude_sources=ALL_HELD_OUT)
    planes = load_planes(paths, min_side=args.crop)
    logger.info("%d training photos (held out: %s)", len(planes), ", ".join(ALL_HELD_OUT))
    val = val_set(args.seed)
    loader = torch.utils.data.DataLoader(
        Samples(planes, args.batch, args.crop, args.seed, start), batch_size=None, num_workers=args.workers
    )
    scheduler_lr = lambda step: args.lr * 0.5 * (1 + np.cos(np.pi * min(step, args.steps) / args.steps))  # noqa: E731
    metrics = (args.out / "metrics.csv").open("a", newline="")
    writer = csv.writer(metrics)
    began = time.monotonic()
    net.train()
    recent = []
    for step, x, y in loader:
        if step >= args.steps or (args.minutes and time.monotonic() - began > args.minutes * 60):
            break
        for group in optimizer.param_groups:
            group["lr"] = scheduler_lr(step)
        border = border_channels(args.crop, args.crop, 0, 0, args.crop, args.crop, device)
        loss = loss_fn(net(x.to(device), border), y.to(device), args.pos_weight)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        recent.append(float(loss.detach()))
        done = step + 1
        if done % 50 == 0:
            logger.info("step %d loss %.4f lr %.2e", done, np.mean(recent), scheduler_lr(step))
            recent = []
        if done % args.val_every == 0 or done == args.steps:
            scores = validate(net, val)
            writer.writerow([done, f"{scores['iou']:.4f}", f"{scores['clean_flagged']:.6f}"])
            metrics.flush()
            logger.info("step %d val IoU %.4f clean flagged %.4f%%", done, scores["iou"], 100 * scores["clean_flagged"])
            if scores["iou"] > best:
                best = scores["iou"]
                save_detector(
                    net.eval(),
                    args.out / "best.safetensors",
                    f"step {done}, val IoU {best:.4f}",
                    metrics={"selected_at_step": done, "val_iou": round(best, 4)},
                )
                net.train()
        if done % 100 == 0:
            save_checkpoint(checkpoint, net, optimizer, done, best)
    save_checkpoint(checkpoint, net, optimizer, done, best)
    save_detector(net.eval(), args.out / "last.safetensors", f"step {done}", metrics={"step": done})
    return 0


def save_checkpoint(path: Path, net: DamageNet, optimizer, step: int, best: float) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"net": net.state_dict(), "optimizer": optimizer.state_dict(), "step": step, "best": best}, tmp)
    os.replace(tmp, path)


def install(run: Path, evaluation: Path | None = None) -> int:
    """Copy the run's best network into models/ with a full card (and `evaluation`'s numbers)."""
    from ideepcolor_app.restore.detector import DETECTOR_NAME, MODELS_DIR
    from training.loop import describe_licence

    config = json.loads((run / "config.json").read_text())
    selected = json.loads((run / "best.json").read_text())
    metrics = dict(selected.get("metrics", {}))
    if "selected_at_step" not in metrics:  # cards written before metrics were kept
        stamp = selected.get("trained", selected.get("description", "step 0"))
        metrics["selected_at_step"] = int(stamp.split()[1].rstrip(","))
    if evaluation:
        metrics["restore_eval"] = json.loads(evaluation.read_text())
    description = (
        "The restoration's damage detector: a 4-level U-Net at half resolution on CIELAB L "
        "(pixel-unshuffled), with the distance to the photo's borders as two more inputs"
        + (f" and a {config['refine']}-channel refinement at full resolution" if config.get("refine") else "")
        + "; "
        "sigmoid of its output is each pixel's probability of damage to fill. Trained "
        + (f"from {config['init']} " if config.get("init") else "from scratch ")
        + f"by `python -m training.train_damage` ({config['steps']} steps, batch {config['batch']}, "
        f"{config['crop']} px crops, Adam lr {config['lr']} with a cosine decay, cross-entropy "
        f"(damage weighted {config.get('pos_weight', 1.0)}) + 0.5 soft Dice) on the damage model "
        "of training/print_damage.py; selected on val by IoU at its step "
        f"{metrics.get('selected_at_step')}."
    )
    save_detector(
        load_detector(run / "best.safetensors"),
        MODELS_DIR / f"{DETECTOR_NAME}.safetensors",
        description,
        trained=True,
        metrics=metrics,
        training_data=f"{PHOTOS / 'train'} (held out: sources {', '.join(ALL_HELD_OUT)})",
        licence=describe_licence([PHOTOS / "train"], ALL_HELD_OUT),
    )
    print(f"installed {run / 'best.safetensors'} as {MODELS_DIR / (DETECTOR_NAME + '.safetensors')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
