"""sRGB <-> CIELAB: kornia's per-op test set, references computed by scikit-image in the test."""

import doctest
import warnings

import numpy as np
import pytest
import torch
from skimage import color as skcolor

from ideepcolor_app.color import lab as lab_module
from ideepcolor_app.color import (
    lab_to_rgb,
    lab_to_rgb_np,
    rgb_to_l,
    rgb_to_l_np,
    rgb_to_lab,
    rgb_to_lab_np,
)
from tests.tolerances import DELTA_E_VS_SKIMAGE, assert_close, tolerance

DTYPES = [torch.float32, torch.float64]


@pytest.fixture(params=DTYPES, ids=["float32", "float64"])
def dtype(request) -> torch.dtype:
    return request.param


@pytest.fixture
def reference_rgb() -> np.ndarray:
    """(9, 12, 3) float64 sRGB: seeded random colours plus black, white, primaries and values
    on both sides of the 0.04045 decode threshold."""
    rgb = np.random.default_rng(7).random((9, 12, 3))
    special = [
        [0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0],
        [0.04045, 0.04, 0.041], [0.5, 0.5, 0.5], [0.001, 0.002, 0.2], [0.2, 0.01, 0.9],
    ]  # fmt: skip
    rgb[0, : len(special)] = special
    return rgb


@pytest.fixture
def reference_lab() -> np.ndarray:
    """(8, 10, 3) float64 Lab: seeded L in [0, 100], a, b in [-120, 120] (much out of gamut,
    some with a negative Z companding value that scikit-image clamps), plus fixed points."""
    rng = np.random.default_rng(11)
    shape = (8, 10)
    lab = np.stack(
        [rng.uniform(0, 100, shape), rng.uniform(-120, 120, shape), rng.uniform(-120, 120, shape)],
        axis=-1,
    )
    lab[0, :5] = [[0, 0, 0], [100, 0, 0], [50, 0, 0], [5, 2, -3], [53.24, 80.09, 67.2]]
    return lab


def _delta_e(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """Largest CIE76 difference between two (..., 3) Lab arrays."""
    return float(np.sqrt(((np.asarray(lab1, np.float64) - lab2) ** 2).sum(-1)).max())


def _skimage_lab2rgb(lab: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():  # "negative Z values that have been clipped to zero"
        warnings.simplefilter("ignore")
        return skcolor.lab2rgb(lab)


def _to_chw(arr: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    return torch.from_numpy(arr).to(dtype).permute(2, 0, 1)


# -- smoke and cardinality -----------------------------------------------------------------


@pytest.mark.parametrize("fn", [rgb_to_lab, lab_to_rgb])
def test_lab_smoke_keeps_shape_and_dtype(fn, dtype):
    x = torch.rand(3, 4, 5, dtype=dtype)
    out = fn(x)
    assert isinstance(out, torch.Tensor)
    assert out.shape == x.shape and out.dtype == dtype and out.is_contiguous()


@pytest.mark.parametrize("shape", [(3, 1, 1), (3, 4, 5), (2, 3, 4, 5), (2, 1, 3, 2, 7), (3, 0, 4)])
def test_lab_cardinality(shape):
    x = torch.rand(shape)
    assert rgb_to_lab(x).shape == shape
    assert lab_to_rgb(x).shape == shape
    assert lab_to_rgb(x, clip=False).shape == shape
    assert rgb_to_l(x).shape == shape[:-3] + (1,) + shape[-2:]


@pytest.mark.parametrize("shape", [(1, 1, 3), (4, 5, 3), (2, 4, 5, 3)])
def test_lab_np_cardinality(shape):
    x = np.random.default_rng(0).random(shape)
    assert rgb_to_lab_np(x).shape == shape
    assert lab_to_rgb_np(x).shape == shape
    assert rgb_to_l_np(x).shape == shape[:-1]


# -- exceptions ------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [rgb_to_lab, lab_to_rgb, rgb_to_l])
def test_lab_rejects_non_float_tensor(fn):
    with pytest.raises(TypeError, match="torch.Tensor"):
        fn(np.zeros((3, 2, 2)))
    with pytest.raises(TypeError, match="floating"):
        fn(torch.zeros(3, 2, 2, dtype=torch.uint8))


@pytest.mark.parametrize("fn", [rgb_to_lab, lab_to_rgb, rgb_to_l])
@pytest.mark.parametrize("shape", [(4, 2, 2), (2, 2, 3), (3, 2), (3,)])
def test_lab_rejects_wrong_shape(fn, shape):
    with pytest.raises(ValueError, match=r"\(\*,3,H,W\)"):
        fn(torch.zeros(shape))


@pytest.mark.parametrize("fn", [rgb_to_lab_np, lab_to_rgb_np, rgb_to_l_np])
def test_lab_np_rejects_bad_input(fn):
    with pytest.raises(TypeError, match="numpy.ndarray"):
        fn(torch.zeros(2, 2, 3))
    with pytest.raises(TypeError, match="floating"):
        fn(np.zeros((2, 2, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"\(\.\.\.,H,W,3\)"):
        fn(np.zeros((2, 2, 4)))


# -- comparison with scikit-image --------------------------------------------------------------


def test_rgb_to_lab_matches_skimage(reference_rgb, dtype):
    expected = skcolor.rgb2lab(reference_rgb)
    actual = rgb_to_lab(_to_chw(reference_rgb, dtype)).permute(1, 2, 0).numpy()
    assert _delta_e(actual, expected) <= DELTA_E_VS_SKIMAGE[dtype]


def test_rgb_to_lab_known_values():
    # Black is exactly 0; white has the small ab of scikit-image's matrix / white point pair.
    lab = rgb_to_lab_np(np.array([[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]]))
    np.testing.assert_allclose(lab[0, 0], [0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(lab[0, 1], [100.0, -0.00245494, 0.00465342], atol=1e-6)
    np.testing.assert_allclose(lab[0, 2], [53.24058794, 80.09230823, 67.20275104], atol=1e-6)


def test_lab_to_rgb_matches_skimage(reference_lab, dtype):
    expected = _skimage_lab2rgb(reference_lab)  # clipped to [0, 1], like ours by default
    actual = lab_to_rgb(_to_chw(reference_lab, dtype)).permute(1, 2, 0).numpy()
    assert (
        _delta_e(skcolor.rgb2lab(actual.astype(np.float64)), skcolor.rgb2lab(expected)) <= (DELTA_E_VS_SKIMAGE[dtype])
    )
    assert_close(actual, expected, atol=1e-5 if dtype == torch.float32 else 1e-12, rtol=0)


def test_lab_to_rgb_unclipped_leaves_the_cube(reference_lab):
    lab = _to_chw(reference_lab, torch.float64)
    raw = lab_to_rgb(lab, clip=False)
    assert raw.min() < -0.1 and raw.max() > 1.1  # the reference holds out-of-gamut colours
    assert torch.equal(raw.clamp(0, 1), lab_to_rgb(lab))


# -- round trip, L only, chunking, gradients -------------------------------------------------


def test_lab_round_trip(reference_rgb, dtype):
    rgb = _to_chw(reference_rgb, dtype)
    back = lab_to_rgb(rgb_to_lab(rgb))
    assert_close(back, rgb, atol=1e-5 if dtype == torch.float32 else 1e-7, rtol=0)


def test_rgb_to_l_equals_rgb_to_lab_lightness(dtype):
    rgb = torch.rand(2, 3, 33, 47, dtype=dtype, generator=torch.Generator().manual_seed(3))
    assert torch.equal(rgb_to_l(rgb), rgb_to_lab(rgb)[..., :1, :, :])


def test_lab_row_blocks_do_not_change_results(monkeypatch, dtype):
    rgb = torch.rand(2, 3, 9, 13, dtype=dtype, generator=torch.Generator().manual_seed(4))
    whole = rgb_to_lab(rgb), lab_to_rgb(rgb_to_lab(rgb), clip=False), rgb_to_l(rgb)
    monkeypatch.setattr(lab_module, "_CHUNK_PIXELS", 20)  # 1-row blocks, then partial ones
    blocked = rgb_to_lab(rgb), lab_to_rgb(rgb_to_lab(rgb), clip=False), rgb_to_l(rgb)
    # Vector and scalar loop tails may round differently: a few ulps of values up to 100,
    # which a = 500 (fx - fy) magnifies.
    for w, b in zip(whole, blocked, strict=True):
        assert_close(b, w, rtol=0, atol=1000 * torch.finfo(dtype).eps)


def test_lab_accepts_strided_views():
    base = torch.rand(3, 8, 10, dtype=torch.float64)
    view = base.permute(0, 2, 1)  # (3, 10, 8), non-contiguous
    assert torch.equal(rgb_to_lab(view), rgb_to_lab(view.contiguous()))


def test_float32_agrees_with_float64():
    rgb = torch.rand(3, 16, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    lab64, lab32 = rgb_to_lab(rgb), rgb_to_lab(rgb.float())
    delta_e = (lab32.double() - lab64).square().sum(-3).sqrt().max().item()
    assert delta_e <= DELTA_E_VS_SKIMAGE[torch.float32]
    rgb32, rgb64 = lab_to_rgb(lab32), lab_to_rgb(lab64)
    assert_close(rgb32, rgb64.float(), atol=10 * tolerance(torch.float32)[1])


def _in_gamut_lab(seed: int) -> torch.Tensor:
    """(1, 3, 4, 4) float64 Lab of sRGB in [0.1, 0.9], away from every segment threshold."""
    g = torch.Generator().manual_seed(seed)
    return rgb_to_lab(torch.rand(1, 3, 4, 4, dtype=torch.float64, generator=g) * 0.8 + 0.1)


def test_lab_gradcheck():
    g = torch.Generator().manual_seed(6)
    rgb = (torch.rand(1, 3, 4, 4, dtype=torch.float64, generator=g) * 0.9 + 0.05).requires_grad_()
    lab = _in_gamut_lab(8).requires_grad_()
    assert torch.autograd.gradcheck(rgb_to_lab, (rgb,))
    assert torch.autograd.gradcheck(rgb_to_l, (rgb,))
    assert torch.autograd.gradcheck(lab_to_rgb, (lab,))
    assert torch.autograd.gradcheck(lambda x: lab_to_rgb(x, clip=False), (lab,))


def test_lab_gradcheck_on_linear_segments():
    """Dark colours: every piecewise curve on its linear side (sRGB < 0.04045, Y < 0.008856)."""
    g = torch.Generator().manual_seed(9)
    rgb = (torch.rand(1, 3, 4, 4, dtype=torch.float64, generator=g) * 0.03 + 0.002).requires_grad_()
    lab = rgb_to_lab(rgb).detach().requires_grad_()
    assert lab[:, 0].max() < 8.0  # f^-1 linear below L = 8
    assert torch.autograd.gradcheck(rgb_to_lab, (rgb,))
    assert torch.autograd.gradcheck(lab_to_rgb, (lab,))


def test_lab_gradients_are_finite_at_black_and_white():
    rgb = torch.tensor([0.0, 1.0, 0.5], dtype=torch.float64).view(3, 1, 1).requires_grad_()
    rgb_to_lab(rgb).sum().backward()
    assert torch.isfinite(rgb.grad).all()


# -- numpy wrappers --------------------------------------------------------------------------


@pytest.mark.parametrize("np_dtype", [np.float32, np.float64])
def test_lab_np_wrappers_equal_torch(reference_rgb, np_dtype):
    rgb = reference_rgb.astype(np_dtype)
    rgb_t = torch.from_numpy(rgb).permute(2, 0, 1)
    lab = rgb_to_lab_np(rgb)
    assert lab.dtype == np_dtype and rgb_to_l_np(rgb).dtype == np_dtype
    assert lab_to_rgb_np(lab).dtype == np_dtype
    np.testing.assert_array_equal(lab, rgb_to_lab(rgb_t).permute(1, 2, 0).numpy())
    np.testing.assert_array_equal(rgb_to_l_np(rgb), rgb_to_l(rgb_t)[0].numpy())
    lab_t = torch.from_numpy(lab).permute(2, 0, 1)
    for clip in (True, False):
        np.testing.assert_array_equal(
            lab_to_rgb_np(lab, clip=clip), lab_to_rgb(lab_t, clip=clip).permute(1, 2, 0).numpy()
        )


def test_lab_np_wrappers_accept_awkward_arrays(reference_rgb):
    expected = rgb_to_lab_np(reference_rgb[::-1].copy())
    np.testing.assert_array_equal(rgb_to_lab_np(reference_rgb[::-1]), expected)  # negative stride
    read_only = reference_rgb[::-1].copy()
    read_only.flags.writeable = False
    np.testing.assert_array_equal(rgb_to_lab_np(read_only), expected)
    np.testing.assert_array_equal(rgb_to_lab_np(read_only.astype(">f8")), expected)  # big-endian
    assert read_only.flags.writeable is False


def test_lab_np_does_not_modify_input(reference_rgb):
    before = reference_rgb.copy()
    rgb_to_lab_np(reference_rgb)
    rgb_to_l_np(reference_rgb)
    np.testing.assert_array_equal(reference_rgb, before)


def test_lab_docstring_examples():
    assert doctest.testmod(lab_module, extraglobs={"torch": torch, "np": np}).failed == 0
