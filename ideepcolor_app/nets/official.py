"""Import the authors' PyTorch checkpoints into our ``full`` presets.

We never download these files; a user who has them imports them. The ``full`` presets of
``hints`` and ``zhang`` reuse the authors' module names, so the mapping is the identity: the
work here is recognising the file and checking every key and shape before anything loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor

from .base import compare_state_dicts
from .registry import build_network, preset_config

__all__ = ["OFFICIAL_FILES", "convert_official", "identify_official"]

OFFICIAL_FILES: dict[str, dict[str, Any]] = {
    "siggraph17-df00044c.pth": {
        "family": "hints",
        "paper": "Zhang et al., Real-Time User-Guided Image Colorization with Learned Deep Priors, SIGGRAPH 2017",
        "code": "richzhang/colorization colorizers/siggraph17.py",
        "mask_offset": 0.0,
        "num_bins": 529,
    },
    "colorization_release_v2-9b330a0b.pth": {
        "family": "zhang",
        "paper": "Zhang et al., Colorful Image Colorization, ECCV 2016",
        "code": "richzhang/colorization colorizers/eccv16.py",
        "num_bins": 313,
    },
}

# Keys that only one of the two official networks has.
_SIGNATURES = {
    "hints": ("model1.0.weight", "model3short8.0.weight", "model10up.0.weight", "model_out.0.weight"),
    "zhang": ("model1.0.weight", "model8.6.weight", "model_out.weight"),
}


def identify_official(state_dict: Mapping[str, Tensor]) -> str:
    """Tell which official network a state dict belongs to, by its keys.

    Returns:
        ``"hints"`` (SIGGRAPH17) or ``"zhang"`` (ECCV16).
    Raises:
        ValueError: when the keys match neither, with a hint about what was found.
    """
    keys = set(state_dict)
    for family, signature in _SIGNATURES.items():
        if keys.issuperset(signature):
            return family
    sample = ", ".join(sorted(keys)[:5]) or "no keys"
    advice = ""
    if any(k.startswith("module.") for k in keys):
        advice = " Keys start with 'module.': strip that DataParallel prefix first."
    elif {"state_dict", "model", "net"} & keys:
        advice = " It looks like a wrapper: pass the inner state dict."
    raise ValueError(
        "not an official SIGGRAPH17 (siggraph17-*.pth) or ECCV16 "
        f"(colorization_release_v2-*.pth) state dict: expected keys such as "
        f"{', '.join(_SIGNATURES['hints'])} or {', '.join(_SIGNATURES['zhang'])}; "
        f"found {len(keys)} keys ({sample}, ...).{advice}"
    )


def convert_official(
    state_dict: Mapping[str, Tensor], mask_offset: float | None = None
) -> tuple[str, dict[str, Any], dict[str, Tensor]]:
    """Check an official state dict and return it as our ``full`` network's.

    Args:
        state_dict: loaded with ``torch.load(path, map_location="cpu", weights_only=True)``.
        mask_offset: hints only; 0.0 (default) for ``siggraph17-df00044c.pth``, -0.5 for a
            checkpoint retrained with colorization-pytorch (see `HintsConfig.mask_offset`).
    Returns:
        (family, config dict of the ``full`` preset with this file's num_bins / mask_offset,
        state dict for ``build_network(family, config)``). Floating tensors become float32;
        missing BatchNorm ``num_batches_tracked`` counters (older PyTorch) are set to 0.
    Raises:
        ValueError: for an unrecognised file, a mask_offset given for ECCV16, or listing the
            missing keys, unexpected keys and shape mismatches.
    """
    family = identify_official(state_dict)
    config = preset_config(family, "full")
    if family == "hints":
        if "model_class.0.weight" in state_dict:
            config["num_bins"] = int(state_dict["model_class.0.weight"].shape[0])
        config["mask_offset"] = 0.0 if mask_offset is None else float(mask_offset)
    else:
        if mask_offset is not None:
            raise ValueError("mask_offset applies only to the SIGGRAPH17 (hints) network")
        config["num_bins"] = int(state_dict["model8.6.weight"].shape[0])
    with torch.device("meta"):
        reference = build_network(family, config).state_dict()
    converted: dict[str, Tensor] = {}
    for key, value in state_dict.items():
        value = torch.as_tensor(value)
        converted[key] = value.float() if value.is_floating_point() else value
    for key in reference:
        if key.endswith("num_batches_tracked") and key not in converted:
            converted[key] = torch.zeros((), dtype=torch.long)
    _check_against(converted, reference, family)
    return family, config, converted


def _check_against(state: Mapping[str, Tensor], reference: Mapping[str, Tensor], family: str) -> None:
    """Raise ValueError naming every missing key, unexpected key and shape mismatch."""
    mismatch = compare_state_dicts(reference, state)
    problems = []
    if mismatch.missing:
        problems.append(f"missing keys: {', '.join(mismatch.missing)}")
    if mismatch.unexpected:
        problems.append(f"unexpected keys: {', '.join(mismatch.unexpected)}")
    if mismatch.wrong_shape:
        shapes = "; ".join(f"{k}: expected {want}, got {got}" for k, want, got in mismatch.wrong_shape)
        problems.append(f"shape mismatches: {shapes}")
    if problems:
        raise ValueError(f"official {family} state dict does not fit: " + " | ".join(problems))
