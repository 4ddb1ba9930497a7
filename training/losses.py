"""Loss functions of every trainer, each a small pure function on tensors."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ideepcolor_app.color import BinSet, normalize_ab


def soft_cross_entropy(
    logits: torch.Tensor, target: torch.Tensor, pixel_weights: torch.Tensor | None = None
) -> torch.Tensor:
    """Cross-entropy against soft-encoded targets, optionally rebalanced per pixel (ECCV16).

    Args:
        logits: (B,Q,H,W) unnormalised bin scores.
        target: (B,Q,H,W) soft encoding of the ground truth (sums to 1 over Q).
        pixel_weights: (B,H,W) weight of each pixel (the rebalancing weight of its nearest
            bin), or None for 1.
    Returns:
        Scalar: the mean over pixels of w * -sum_q target_q * log softmax(logits)_q.
    """
    per_pixel = -(target * F.log_softmax(logits, dim=1)).sum(dim=1)
    if pixel_weights is not None:
        per_pixel = per_pixel * pixel_weights
    return per_pixel.mean()


def distribution_loss(
    logits: torch.Tensor, ab: torch.Tensor, bins: BinSet, class_weights: torch.Tensor | None
) -> torch.Tensor:
    """Soft-encoded, rebalanced cross-entropy of bin logits against ground-truth ab.

    The ground truth is average-pooled to the logits' resolution first.

    Args:
        logits: (B,Q,h,w); ab: (B,2,H,W) CIELAB with H, W multiples of h, w.
        class_weights: (Q,) rebalancing weights or None.
    """
    ab_small = F.adaptive_avg_pool2d(ab, (logits.shape[-2], logits.shape[-1]))
    target = bins.soft_encode(ab_small)
    pixel_weights = None if class_weights is None else bins.class_weights_for(ab_small, class_weights)
    return soft_cross_entropy(logits.float(), target, pixel_weights)


def smooth_l1_ab(pred_ab: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """Smooth-L1 (Huber, beta 1/110: one CIELAB unit) between ab at network scale."""
    return F.smooth_l1_loss(normalize_ab(pred_ab.float()), normalize_ab(ab), beta=1.0 / 110.0)


def l1_ab(pred_ab: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """Mean absolute error between ab at network scale (pix2pix's L1 term)."""
    return F.l1_loss(normalize_ab(pred_ab.float()), normalize_ab(ab))


def mse_ab(pred_ab: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """Mean squared error between ab at network scale (Deep Koalarization, plain regression)."""
    return F.mse_loss(normalize_ab(pred_ab.float()), normalize_ab(ab))


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor, real_label: float = 0.9) -> torch.Tensor:
    """PatchGAN discriminator loss with one-sided label smoothing (real -> `real_label`).

    Returns the mean of the two binary cross-entropies, halved as in pix2pix so the
    discriminator learns more slowly than the generator.
    """
    real = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return 0.5 * (real + fake)


def generator_adversarial_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating generator loss: BCE of the discriminator's verdict against "real"."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
