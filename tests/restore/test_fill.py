"""Filling damage: push-pull for wide holes, fast marching for thin marks, grain put back."""

import numpy as np
import pytest

from ideepcolor_app.restore.fill import fill, push_pull, regrain, wide_part
from tests.restore.conftest import psnr


def ramp(height=120, width=160):
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    return (0.2 + 0.5 * xx / width + 0.2 * yy / height).astype(np.float32)


def test_push_pull_fills_a_wide_hole_close_to_its_surroundings():
    clean = ramp()
    mask = np.zeros(clean.shape, bool)
    mask[30:90, 40:110] = True
    damaged = np.where(mask, 1.0, clean).astype(np.float32)
    filled = push_pull(damaged, mask)
    assert np.array_equal(filled[~mask], clean[~mask])  # what was known stays
    assert np.abs(filled[mask] - clean[mask]).mean() < 0.04
    assert psnr(filled, clean) > psnr(damaged, clean) + 20


def test_constant_photo_is_filled_with_its_constant():
    x = np.full((40, 50), 0.37, np.float32)
    mask = np.zeros(x.shape, bool)
    mask[:20, :25] = True
    x[mask] = 1.0
    assert np.allclose(push_pull(x, mask), 0.37, atol=1e-5)


def test_wide_part_separates_a_patch_from_a_thin_line():
    mask = np.zeros((80, 80), bool)
    mask[10:40, 10:40] = True  # a wide patch
    mask[60:62, 5:75] = True  # a 2 px line
    wide = wide_part(mask)
    assert wide[25, 25] and wide[10, 10] and not wide[60:62].any()


@pytest.mark.parametrize("method", ["auto", "telea", "push-pull"])
def test_every_fill_repairs_a_line_and_a_patch(method):
    clean = ramp()
    mask = np.zeros(clean.shape, bool)
    mask[60:63, :] = True
    mask[10:40, 100:140] = True
    damaged = np.where(mask, 0.95, clean).astype(np.float32)
    assert psnr(fill(damaged, mask, method), clean) > psnr(damaged, clean) + 15
    with pytest.raises(ValueError, match="fill must be"):
        fill(damaged, mask, "magic")


def test_regrain_adds_grain_of_the_given_strength_only_inside_the_mask():
    x = np.full((200, 200), 0.5, np.float32)
    mask = np.zeros(x.shape, bool)
    mask[50:150, 50:150] = True
    out = regrain(x.copy(), mask, 0.02)
    assert np.array_equal(out[~mask], x[~mask])
    assert abs(float(out[mask].std()) - 0.02) < 0.002 and abs(float(out[mask].mean()) - 0.5) < 0.002
