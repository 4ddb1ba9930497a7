"""The heads on the shared encoder (zhang_lite, gan_lite, fusion_lite): shapes, units, border
padding, state-dict round trips, and the zhang interface."""

import pytest
import torch

from ideepcolor_app.color import BinSet
from ideepcolor_app.engine.weights import ModelCard, load_weights, save_weights
from ideepcolor_app.nets import (
    FusionLiteConfig,
    GanLiteConfig,
    ZhangLiteConfig,
    build_network,
    known_families,
)
from ideepcolor_app.nets.blocks import count_parameters
from ideepcolor_app.nets.lite_encoder import shared_encoder

CONFIGS = {
    "zhang_lite": ZhangLiteConfig(pretrained_backbone=False),
    "gan_lite": GanLiteConfig(pretrained_backbone=False),
    "fusion_lite": FusionLiteConfig(pretrained_backbone=False),
}


@pytest.fixture(scope="module")
def nets():
    torch.manual_seed(0)
    return {family: build_network(family, cfg).eval() for family, cfg in CONFIGS.items()}


def _l(h, w):
    yy, xx = torch.meshgrid(torch.arange(float(h)), torch.arange(float(w)), indexing="ij")
    return (50 + 45 * torch.sin(xx / 5 + yy / 9))[None, None]


def test_the_families_are_registered_and_share_one_encoder(nets):
    assert {"zhang_lite", "gan_lite", "fusion_lite", "zhang", "gan", "fusion"} <= set(known_families())
    assert all(net.encoder is shared_encoder(pretrained=False) for net in nets.values())


@pytest.mark.parametrize("hw", [(64, 96), (136, 56), (256, 256)])
def test_shapes_and_units(nets, hw):
    l = _l(*hw).repeat(2, 1, 1, 1)
    with torch.inference_mode():
        logits = nets["zhang_lite"](l)
        assert logits.shape == (2, 529, hw[0] // 4, hw[1] // 4)
        assert nets["zhang_lite"].colorize(l).shape == (2, 2, *hw)
        for family in ("gan_lite", "fusion_lite"):
            ab = nets[family](l)
            assert ab.shape == (2, 2, *hw) and float(ab.abs().max()) <= 110.0


def test_heads_are_small(nets):
    for family, net in nets.items():
        assert 100_000 < count_parameters(net, net.EXTERNAL_PREFIXES) < 500_000, family


def test_zhang_lite_decodes_over_the_529_bin_grid(nets):
    net = nets["zhang_lite"]
    assert torch.allclose(net.bin_centres(), BinSet.grid().centres, atol=1e-4)
    logits = torch.full((1, 529, 2, 2), -30.0)
    logits[:, 23 * 1 + 11] = 30.0  # ia = 1, ib = 11: a = -100, b = 0
    assert net.annealed_mean(logits)[0, :, 0, 0].tolist() == pytest.approx([-100.0, 0.0], abs=1e-3)
    assert net.logits_layer() is net.model_class


def test_a_flat_photo_gets_no_border_stripes(nets):
    """With replicate padding a uniform input gives a uniform output, frame included."""
    torch.manual_seed(1)
    l = torch.full((1, 1, 128, 128), 60.0)
    with torch.inference_mode():
        for family in ("gan_lite", "fusion_lite"):
            net = build_network(family, CONFIGS[family]).eval()
            for p in net.parameters():
                if p.requires_grad:
                    p.data.normal_(0.0, 0.05)
            ab = net(l)
            interior = ab[..., 16:-16, 16:-16].mean(dim=(-2, -1))
            frame = torch.cat([ab[..., :4, :].flatten(2), ab[..., -4:, :].flatten(2)], dim=2).mean(-1)
            assert float(interior.abs().max()) > 0.1, family  # not a trivially grey output
            assert torch.allclose(frame, interior, rtol=0.1, atol=0.2), family


@pytest.mark.parametrize("family", sorted(CONFIGS))
def test_state_dict_round_trip_leaves_out_the_encoder(nets, family, tmp_path):
    net = nets[family]
    keys = net.own_state_dict().keys()
    assert keys and not any(k.startswith("encoder.") for k in keys)
    card = ModelCard(name=family, family=family, config=CONFIGS[family].to_dict(), trained=False)
    loaded, _ = load_weights(save_weights(net, card, tmp_path))
    l = _l(64, 64)
    with torch.inference_mode():
        assert torch.equal(loaded(l), net(l))
    assert loaded.own_state_dict().keys() == keys


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_chroma_boost_keeps_grey_grey_and_its_dtype(dtype):
    from ideepcolor_app.nets.blocks import scale_chroma

    ab = torch.zeros(1, 2, 2, 2, dtype=dtype)
    ab[0, 0, 0, 0], ab[0, 1, 1, 1] = 5.0 / 110, 60.0 / 110  # weak, grey, strong
    out = scale_chroma(ab, 1.0, 2.0)
    assert out.dtype == dtype and bool(torch.isfinite(out).all())
    assert float(out[0, 0, 0, 0]) * 110 == pytest.approx(28 * (1 - (1 - 5 / 28) ** 2), rel=1e-2)
    assert float(out[0, :, 0, 1].abs().sum()) == 0.0
    assert float(out[0, 1, 1, 1]) == pytest.approx(60.0 / 110, rel=1e-3)
