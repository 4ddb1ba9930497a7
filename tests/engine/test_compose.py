"""Full-resolution composition: guided ab upsampling and Lab -> sRGB."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage.color import lab2rgb

from ideepcolor_app.engine.compose import compose_rgb, upsample_ab


@pytest.mark.parametrize("height,width", [(1, 1), (1, 9), (9, 1), (37, 53), (3, 500), (301, 17)])
def test_upsample_ab_constant_colour_is_exact_at_odd_sizes(height, width):
    l_full = torch.from_numpy(np.random.default_rng(3).uniform(0, 100, (height, width)).astype(np.float32))
    ab_small = torch.tensor([12.5, -40.0]).view(2, 1, 1).expand(2, 8, 8).contiguous()
    ab_full = upsample_ab(l_full, ab_small)
    assert ab_full.shape == (2, height, width)
    assert torch.allclose(ab_full[0], torch.full_like(l_full, 12.5), atol=1e-3)
    assert torch.allclose(ab_full[1], torch.full_like(l_full, -40.0), atol=1e-3)


def test_upsample_ab_follows_luminance_edge_better_than_bilinear():
    # A wide photo with a luminance edge at column 101 (not on the low-resolution grid); the
    # ideal colour is red left of the edge and blue right of it.
    height, width, edge = 48, 200, 101
    l_full = torch.full((height, width), 30.0)
    l_full[:, edge:] = 70.0
    ideal = torch.zeros(2, height, width)
    ideal[0, :, :edge], ideal[1, :, edge:] = 50.0, -50.0
    l_small = F.adaptive_avg_pool2d(l_full[None, None], (16, 16))[0, 0]
    ab_small = torch.stack([(l_small < 50) * 50.0, (l_small >= 50) * -50.0]).float()
    guided = upsample_ab(l_full, ab_small)
    bilinear = F.interpolate(ab_small[None], size=(height, width), mode="bilinear", align_corners=False)[0]
    guided_err = (guided - ideal).abs().mean().item()
    bilinear_err = (bilinear - ideal).abs().mean().item()
    assert guided_err < 0.5 * bilinear_err
    assert guided_err < 2.0


def test_compose_rgb_matches_skimage_for_constant_ab():
    rng = np.random.default_rng(4)
    l_full = rng.uniform(5, 95, (13, 21)).astype(np.float32)
    ab = np.array([20.0, -15.0], dtype=np.float32)
    ab_small = torch.from_numpy(ab).view(2, 1, 1).expand(2, 4, 4).contiguous()
    rgb = compose_rgb(torch.from_numpy(l_full), ab_small, bit_depth=32)
    lab = np.dstack([l_full, np.full_like(l_full, ab[0]), np.full_like(l_full, ab[1])]).astype(np.float64)
    expected = lab2rgb(lab)
    assert rgb.shape == (13, 21, 3) and rgb.dtype == np.float32
    assert np.abs(rgb - expected).max() < 2e-3


def test_compose_rgb_grey_when_ab_zero_and_bit_depths_agree():
    l_full = torch.linspace(0, 100, 64).view(8, 8)
    ab_small = torch.zeros(2, 4, 4)
    rgb8 = compose_rgb(l_full, ab_small, bit_depth=8)
    rgb16 = compose_rgb(l_full, ab_small, bit_depth=16)
    assert rgb8.dtype == np.uint8 and rgb16.dtype == np.uint16
    assert np.array_equal(rgb8[..., 0], rgb8[..., 1]) and np.array_equal(rgb8[..., 1], rgb8[..., 2])
    assert rgb8[0, 0, 0] == 0 and rgb8[-1, -1, 0] == 255
    assert np.abs(rgb16.astype(np.int64) - rgb8.astype(np.int64) * 257).max() <= 257


def test_compose_rgb_rejects_unknown_bit_depth():
    with pytest.raises(ValueError, match="bit_depth"):
        compose_rgb(torch.zeros(4, 4), torch.zeros(2, 4, 4), bit_depth=12)
