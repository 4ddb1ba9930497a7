"""Official checkpoints: our ``full`` presets against the authors' layer lists, and the import.

The layer lists below are transcribed by hand from the authors' public code
(richzhang/colorization ``colorizers/siggraph17.py`` and ``colorizers/eccv16.py``, the versions
that build ``model1 = [...]`` lists into ``nn.Sequential``), independently of our block helper,
so a drift in our ``full`` presets fails here.
"""

import pytest
import torch

from ideepcolor_app.nets import (
    OFFICIAL_FILES,
    build_network,
    convert_official,
    identify_official,
    preset_config,
)

# (key prefix, kind, in channels, out channels, kernel); "bn" rows give the width only.


def _trunk(in_channels: int) -> list[tuple]:
    """model1 ... model7: the VGG-style trunk both official networks share (input differs)."""
    return (
        [
            ("model1.0", "conv", in_channels, 64, 3),
            ("model1.2", "conv", 64, 64, 3),
            ("model1.4", "bn", 64),
            ("model2.0", "conv", 64, 128, 3),
            ("model2.2", "conv", 128, 128, 3),
            ("model2.4", "bn", 128),
            ("model3.0", "conv", 128, 256, 3),
            ("model3.2", "conv", 256, 256, 3),
            ("model3.4", "conv", 256, 256, 3),
            ("model3.6", "bn", 256),
            ("model4.0", "conv", 256, 512, 3),
            ("model4.2", "conv", 512, 512, 3),
            ("model4.4", "conv", 512, 512, 3),
            ("model4.6", "bn", 512),
        ]
        + [(f"model{b}.{i}", "conv", 512, 512, 3) for b in (5, 6, 7) for i in (0, 2, 4)]
        + [(f"model{b}.6", "bn", 512) for b in (5, 6, 7)]
    )


SIGGRAPH17_LAYERS = _trunk(4) + [
    ("model8up.0", "convT", 512, 256, 4),
    ("model3short8.0", "conv", 256, 256, 3),
    ("model8.1", "conv", 256, 256, 3),
    ("model8.3", "conv", 256, 256, 3),
    ("model8.5", "bn", 256),
    ("model9up.0", "convT", 256, 128, 4),
    ("model2short9.0", "conv", 128, 128, 3),
    ("model9.1", "conv", 128, 128, 3),
    ("model9.3", "bn", 128),
    ("model10up.0", "convT", 128, 128, 4),
    ("model1short10.0", "conv", 64, 128, 3),
    ("model10.1", "conv", 128, 128, 3),
    ("model_class.0", "conv", 256, 529, 1),
    ("model_out.0", "conv", 128, 2, 1),
]
ECCV16_LAYERS = _trunk(1) + [
    ("model8.0", "convT", 512, 256, 4),
    ("model8.2", "conv", 256, 256, 3),
    ("model8.4", "conv", 256, 256, 3),
    ("model8.6", "conv", 256, 313, 1),
    ("model_out", "conv_nobias", 313, 2, 1),
]


def official_shapes(name: str) -> dict[str, tuple[int, ...]]:
    """Return key -> shape of an official state dict ("siggraph17" or "eccv16")."""
    layers = SIGGRAPH17_LAYERS if name == "siggraph17" else ECCV16_LAYERS
    shapes: dict[str, tuple[int, ...]] = {}
    for key, kind, *args in layers:
        if kind == "bn":
            (width,) = args
            for suffix in ("weight", "bias", "running_mean", "running_var"):
                shapes[f"{key}.{suffix}"] = (width,)
            shapes[f"{key}.num_batches_tracked"] = ()
            continue
        c_in, c_out, k = args
        shapes[f"{key}.weight"] = (c_in, c_out, k, k) if kind == "convT" else (c_out, c_in, k, k)
        if kind != "conv_nobias":
            shapes[f"{key}.bias"] = (c_out,)
    return shapes


def random_official_state_dict(name: str, seed: int = 0) -> dict[str, torch.Tensor]:
    """Make a random state dict with the official keys and shapes, sane enough to run."""
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape in official_shapes(name).items():
        if key.endswith("num_batches_tracked"):
            state[key] = torch.tensor(1000)
        elif key.endswith("running_var"):
            state[key] = torch.rand(shape, generator=gen) + 0.5
        elif key.endswith(("running_mean", "bias")):
            state[key] = torch.randn(shape, generator=gen) * 0.05
        elif len(shape) == 1:  # BatchNorm weight
            state[key] = 1 + torch.randn(shape, generator=gen) * 0.05
        else:
            fan_in = shape[1] * shape[2] * shape[3]
            state[key] = torch.randn(shape, generator=gen) * (2.0 / fan_in) ** 0.5
    return state


@pytest.fixture(scope="module")
def siggraph_state():
    return random_official_state_dict("siggraph17")


@pytest.fixture(scope="module")
def eccv_state():
    return random_official_state_dict("eccv16")


def _shapes_on_meta(family, preset):
    with torch.device("meta"):
        net = build_network(family, preset_config(family, preset))
    return {k: tuple(v.shape) for k, v in net.state_dict().items()}


@pytest.mark.parametrize(("family", "name"), [("hints", "siggraph17"), ("zhang", "eccv16")])
def test_full_preset_matches_the_official_keys_and_shapes(family, name):
    ours = _shapes_on_meta(family, "full")
    official = official_shapes(name)
    assert sorted(set(ours) - set(official)) == []
    assert sorted(set(official) - set(ours)) == []
    assert {k: v for k, v in ours.items() if official[k] != v} == {}


def test_official_files_are_described():
    assert OFFICIAL_FILES["siggraph17-df00044c.pth"]["family"] == "hints"
    assert OFFICIAL_FILES["colorization_release_v2-9b330a0b.pth"]["family"] == "zhang"


def test_identify_official(siggraph_state, eccv_state):
    assert identify_official(siggraph_state) == "hints"
    assert identify_official(eccv_state) == "zhang"


def test_identify_official_rejects_other_dicts():
    with pytest.raises(ValueError, match="not an official SIGGRAPH17"):
        identify_official({"conv.weight": torch.zeros(1)})
    with pytest.raises(ValueError, match="strip that DataParallel prefix"):
        identify_official({"module.model1.0.weight": torch.zeros(1)})
    with pytest.raises(ValueError, match="pass the inner state dict"):
        identify_official({"state_dict": {}})
    with pytest.raises(ValueError, match="found 0 keys"):
        convert_official({})


def _loaded(family, config, state):
    net = build_network(family, config).eval()
    net.load_state_dict(state)
    return net


@pytest.mark.parametrize("offset", [None, -0.5])
def test_convert_official_siggraph17(siggraph_state, offset):
    family, config, state = convert_official(siggraph_state, mask_offset=offset)
    assert family == "hints"
    assert config["num_bins"] == 529 and not config["late_hints"] and not config["global_hints"]
    assert config["mask_offset"] == (0.0 if offset is None else -0.5)
    converted = _loaded(family, config, state)
    full = {**preset_config("hints", "full"), "mask_offset": config["mask_offset"]}
    direct = _loaded("hints", full, siggraph_state)
    l = torch.rand(1, 1, 32, 32) * 100
    ab = torch.zeros(1, 2, 32, 32)
    mask = torch.zeros(1, 1, 32, 32)
    ab[0, :, 8:11, 8:11], mask[0, :, 8:11, 8:11] = 40.0, 1.0
    with torch.inference_mode():
        out = converted(l, ab, mask)
        assert torch.equal(out, direct(l, ab, mask))
    assert out.shape == (1, 2, 32, 32) and torch.isfinite(out).all() and out.abs().max() <= 110


def test_convert_official_eccv16(eccv_state):
    family, config, state = convert_official(eccv_state)
    assert family == "zhang" and config["num_bins"] == 313
    converted = _loaded(family, config, state)
    direct = _loaded("zhang", preset_config("zhang", "full"), eccv_state)
    l = torch.rand(1, 1, 32, 32) * 100
    with torch.inference_mode():
        assert torch.equal(converted.colorize(l), direct.colorize(l))
        logits = converted(l)
    assert logits.shape == (1, 313, 8, 8)
    centres = eccv_state["model_out.weight"][:, :, 0, 0].t() * 110
    assert torch.allclose(converted.bin_centres(), centres)


def test_convert_official_reports_missing_unexpected_and_shapes(siggraph_state):
    broken = dict(siggraph_state)
    del broken["model9.1.bias"]
    broken["model11.0.weight"] = torch.zeros(3)
    broken["model4.0.weight"] = torch.zeros(512, 128, 3, 3)
    with pytest.raises(ValueError) as info:
        convert_official(broken)
    message = str(info.value)
    assert "missing keys: model9.1.bias" in message
    assert "unexpected keys: model11.0.weight" in message
    assert "model4.0.weight: expected (512, 256, 3, 3), got (512, 128, 3, 3)" in message


def test_convert_official_eccv16_rejects_mask_offset(eccv_state):
    with pytest.raises(ValueError, match="only to the SIGGRAPH17"):
        convert_official(eccv_state, mask_offset=-0.5)


def test_convert_official_fills_missing_batch_counters(eccv_state):
    old = {k: v for k, v in eccv_state.items() if not k.endswith("num_batches_tracked")}
    _, config, state = convert_official(old)
    assert state["model1.4.num_batches_tracked"].item() == 0
    _loaded("zhang", config, state)


def test_convert_official_casts_to_float32(eccv_state):
    half = {k: v.half() if v.is_floating_point() else v for k, v in eccv_state.items()}
    _, _, state = convert_official(half)
    assert state["model1.0.weight"].dtype == torch.float32
