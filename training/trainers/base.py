"""The trainer contract: the networks a method updates, their optimisers, and one step.

Adding a training method means adding a module with a `Trainer` subclass decorated with
`register_trainer` (see `training/trainers/__init__.py`).
"""

from __future__ import annotations

import abc
from contextlib import nullcontext
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from torch import nn

from ideepcolor_app.color import BinSet
from ideepcolor_app.engine.weights import WeightsError, check_tensors
from ideepcolor_app.nets import ColorNet, build_network, preset_config
from training.config import TrainConfig

_TRAINERS: dict[str, type[Trainer]] = {}


def register_trainer(cls: type[Trainer]) -> type[Trainer]:
    _TRAINERS[cls.name] = cls
    return cls


def create_trainer(
    cfg: TrainConfig, device: torch.device, distributed: bool = False, class_weights: torch.Tensor | None = None
) -> Trainer:
    """Build the trainer `cfg.trainer` names; unknown names list the known ones."""
    try:
        cls = _TRAINERS[cfg.trainer]
    except KeyError:
        raise ValueError(f"unknown trainer {cfg.trainer!r}; choose one of: {', '.join(sorted(_TRAINERS))}") from None
    return cls(cfg, device, distributed, class_weights)


def load_net_weights(net: ColorNet, weights: Path) -> None:
    """Load a trained network's tensors into `net`, naming the file if they do not fit it."""
    try:
        tensors = load_file(str(weights), device="cpu")
    except (OSError, SafetensorError) as err:
        raise WeightsError(f"{weights}: not a readable safetensors file ({err})") from None
    check_tensors(net.own_state_dict(), tensors, str(weights))
    net.load_own_state_dict(tensors)


def build_model(cfg: TrainConfig) -> ColorNet:
    """The exportable network: the family's preset with the config's overrides."""
    config = {**preset_config(cfg.model.family, cfg.model.preset), **cfg.model.overrides}
    return build_network(cfg.model.family, config)


class Trainer(abc.ABC):
    """One training method.

    Attributes:
        net: the network that is exported (a registered `ColorNet`).
        modules: every module whose state a checkpoint keeps (net, discriminator, ...).
        optimizers: name -> optimiser, kept in checkpoints too.
        uses_hints: the method learns from simulated hints (evaluated with hints).
    """

    name: ClassVar[str]
    uses_hints: ClassVar[bool] = False
    needs_class_weights: ClassVar[bool] = False

    def __init__(self, cfg: TrainConfig, device: torch.device, distributed: bool, class_weights: torch.Tensor | None):
        self.cfg, self.device, self.distributed = cfg, device, distributed
        self.bins = BinSet.default().to(device)
        self.class_weights = None if class_weights is None else class_weights.to(device)
        self.net = build_model(cfg).to(device)
        self.modules: dict[str, nn.Module] = {"net": self.net}
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        self.amp = device.type == "cuda"
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp)

    # -- helpers for subclasses ----------------------------------------------------------

    def adam(self, module: nn.Module, betas: tuple[float, float] | None = None) -> torch.optim.Optimizer:
        params = [p for p in module.parameters() if p.requires_grad]
        o = self.cfg.optim
        return torch.optim.Adam(params, lr=o.lr, betas=betas or o.betas, weight_decay=o.weight_decay)

    def wrap(self, module: nn.Module) -> nn.Module:
        """Wrap a module that computes a loss in DistributedDataParallel when distributed."""
        if not self.distributed:
            return module
        ids = [self.device.index] if self.device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(module, device_ids=ids)

    def autocast(self):
        """fp16 autocast on a GPU; nothing on the CPU (fp32, deterministic)."""
        return torch.autocast("cuda", dtype=torch.float16) if self.amp else nullcontext()

    def optimise(self, loss: torch.Tensor, optimizer: torch.optim.Optimizer) -> None:
        optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.step(optimizer)
        self.scaler.update()

    def set_lr(self, factor: float) -> None:
        for opt in self.optimizers.values():
            for group in opt.param_groups:
                group["lr"] = self.cfg.optim.lr * factor

    # -- the contract ----------------------------------------------------------------------

    @abc.abstractmethod
    def train_step(self, l: torch.Tensor, ab: torch.Tensor, rng: np.random.Generator) -> dict[str, float]:
        """One optimisation step on a batch: l (B,1,H,W), ab (B,2,H,W) CIELAB; returns losses."""

    @abc.abstractmethod
    def predict(self, l: torch.Tensor, hint_ab: torch.Tensor, hint_mask: torch.Tensor) -> torch.Tensor:
        """Colourize in eval mode: l (B,1,H,W), hints (ignored by automatic methods) -> ab."""

    # -- checkpoints -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "modules": {k: m.state_dict() for k, m in self.modules.items()},
            "optimizers": {k: o.state_dict() for k, o in self.optimizers.items()},
            "scaler": self.scaler.state_dict(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for k, m in self.modules.items():
            m.load_state_dict(state["modules"][k])
        for k, o in self.optimizers.items():
            o.load_state_dict(state["optimizers"][k])
        self.scaler.load_state_dict(state["scaler"])
