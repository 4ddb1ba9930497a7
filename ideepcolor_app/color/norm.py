"""The CIELAB scale at the network boundary (Zhang et al.): (L - 50) / 100 and ab / 110.

Networks take and return CIELAB units and normalise only through these functions, so the
constants live in one place.
"""

from __future__ import annotations

from torch import Tensor

L_CENT = 50.0
L_NORM = 100.0
AB_NORM = 110.0


def normalize_l(l: Tensor) -> Tensor:
    """Map CIELAB lightness (*,1,H,W) in [0, 100] to network scale [-0.5, 0.5].

    Example:
        >>> import torch
        >>> normalize_l(torch.tensor([0.0, 50.0, 100.0])).tolist()
        [-0.5, 0.0, 0.5]
    """
    return (l - L_CENT) / L_NORM


def normalize_ab(ab: Tensor) -> Tensor:
    """Map CIELAB ab (*,2,H,W), roughly [-110, 110], to network scale, roughly [-1, 1].

    Example:
        >>> import torch
        >>> normalize_ab(torch.tensor([-110.0, 55.0])).tolist()
        [-1.0, 0.5]
    """
    return ab / AB_NORM


def denormalize_ab(ab_norm: Tensor) -> Tensor:
    """Map network-scale ab (*,2,H,W) back to CIELAB units (inverse of `normalize_ab`)."""
    return ab_norm * AB_NORM
