"""Registry lookup, presets, config (de)serialisation and the ColorNet state-dict helpers."""

import dataclasses
import json

import pytest
import torch

from ideepcolor_app.nets import (
    FusionConfig,
    HintsConfig,
    NetConfig,
    Pix2PixConfig,
    UnknownNetworkError,
    ZhangConfig,
    build_network,
    known_families,
    network_class,
    preset_config,
)

ALL_PRESETS = [
    ("hints", "compact"),
    ("hints", "full"),
    ("zhang", "compact"),
    ("zhang", "full"),
    ("gan", "compact"),
    ("fusion", "compact"),
    ("zhang_lite", "compact"),
    ("gan_lite", "compact"),
    ("fusion_lite", "compact"),
]


def test_registry_lists_the_families():
    assert known_families() == (
        "fusion",
        "fusion_lite",
        "gan",
        "gan_lite",
        "hints",
        "plain",
        "propagated_hints",
        "zhang",
        "zhang_lite",
    )
    for family in known_families():
        assert family == network_class(family).FAMILY


def test_registry_unknown_family_lists_known_names():
    with pytest.raises(UnknownNetworkError) as info:
        build_network("siggraph", {})
    message = str(info.value)
    assert message.startswith("unknown network family 'siggraph'")
    for family in ("fusion", "gan", "hints", "zhang"):
        assert family in message
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)


def test_registry_unknown_preset_lists_known_presets():
    with pytest.raises(UnknownNetworkError, match="known presets: compact, full"):
        preset_config("hints", "huge")
    with pytest.raises(UnknownNetworkError, match="known presets: compact$"):
        preset_config("gan", "full")


@pytest.mark.parametrize(("family", "preset"), ALL_PRESETS)
def test_preset_config_json_round_trip(family, preset):
    data = preset_config(family, preset)
    cls = network_class(family).CONFIG
    again = cls.from_dict(json.loads(json.dumps(data)))
    assert again == network_class(family).PRESETS[preset]
    assert again.to_dict() == data


def test_preset_config_returns_a_copy():
    data = preset_config("hints", "compact")
    data["num_bins"] = 3
    assert preset_config("hints", "compact")["num_bins"] == 529


@pytest.mark.parametrize("cls", [HintsConfig, ZhangConfig, Pix2PixConfig, FusionConfig])
def test_config_from_dict_rejects_unknown_keys(cls):
    with pytest.raises(ValueError, match=r"unknown \w+Config keys: bogus, widht; known keys: "):
        cls.from_dict({"widht": 3, "bogus": 1})


def test_config_from_dict_fills_defaults():
    assert HintsConfig.from_dict({}) == HintsConfig()
    assert ZhangConfig.from_dict({"num_bins": 529}).num_bins == 529


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (HintsConfig, {"enc_widths": (8, 8)}),
        (HintsConfig, {"dec_widths": (8, 8), "dec_depths": (1,)}),
        (HintsConfig, {"late_hints": True, "mask_offset": -0.5}),
        (ZhangConfig, {"depths": (1,) * 7}),
        (Pix2PixConfig, {"depth": 1}),
        (Pix2PixConfig, {"depth": 3, "dropout_blocks": 3}),
        (FusionConfig, {"dec_widths": (8,)}),
    ],
)
def test_config_rejects_invalid_values(cls, kwargs):
    with pytest.raises(ValueError):
        cls(**kwargs)


def test_build_network_accepts_none_dict_and_config():
    torch.manual_seed(0)
    by_none = build_network("hints")
    assert by_none.config == network_class("hints").PRESETS["compact"]
    cfg = dataclasses.replace(HintsConfig(), late_hints=True, global_hints=True)
    assert build_network("hints", cfg).config is cfg
    assert build_network("zhang", preset_config("zhang", "compact")).config.num_bins == 529
    with pytest.raises(TypeError):
        network_class("hints")(ZhangConfig())
    assert issubclass(HintsConfig, NetConfig)


def test_own_state_dict_round_trip_and_errors():
    torch.manual_seed(0)
    net = build_network("gan")
    other = build_network("gan")
    other.load_own_state_dict(net.own_state_dict())
    for key, value in net.state_dict().items():
        assert torch.equal(value, other.state_dict()[key]), key
    broken = dict(net.own_state_dict())
    broken.pop("out.0.bias")
    broken["extra.weight"] = torch.zeros(1)
    with pytest.raises(RuntimeError, match=r"missing keys \['out.0.bias'\].*extra.weight"):
        other.load_own_state_dict(broken)


def test_template_family_builds_but_is_not_registered():
    from ideepcolor_app.nets._template import TemplateNet

    net = TemplateNet().eval()
    with torch.inference_mode():
        assert net(torch.rand(1, 1, 16, 16) * 100).shape == (1, 2, 16, 16)
    assert "template" not in known_families()
