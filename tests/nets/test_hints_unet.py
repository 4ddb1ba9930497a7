"""HintsUNet (SIGGRAPH17 family): cache contract, hints, global hints, shapes and keys."""

import dataclasses

import pytest
import torch

from ideepcolor_app.nets import HintsConfig, HintsUNet, build_network, preset_config
from ideepcolor_app.nets.blocks import count_parameters
from ideepcolor_app.nets.hints_unet import pooled_hints


def _net(preset, **changes):
    torch.manual_seed(0)
    config = dataclasses.replace(HintsUNet.PRESETS[preset], **changes)
    net = HintsUNet(config).eval()
    # Non-trivial BatchNorm statistics, so eval mode is not the identity.
    gen = torch.Generator().manual_seed(2)
    for module in net.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.copy_(torch.randn(module.num_features, generator=gen) * 0.1)
            module.running_var.copy_(torch.rand(module.num_features, generator=gen) + 0.5)
    return net


@pytest.fixture(scope="module")
def compact():
    return _net("compact")


@pytest.fixture(scope="module")
def full():
    return _net("full")


@pytest.fixture
def l_64():
    return torch.rand(2, 1, 64, 64, generator=torch.Generator().manual_seed(1)) * 100


def _hints(batch=2, size=64, points=((10, 12), (40, 50))):
    ab = torch.zeros(batch, 2, size, size)
    mask = torch.zeros(batch, 1, size, size)
    for i, (y, x) in enumerate(points):
        ab[:, :, y : y + 3, x : x + 3] = torch.tensor([60.0 - 50 * i, -40.0 + 70 * i])[:, None, None]
        mask[:, :, y : y + 3, x : x + 3] = 1.0
    return ab, mask


@pytest.mark.parametrize("preset", ["compact", "full"])
def test_hints_output_shape_and_units(preset, compact, full):
    net = compact if preset == "compact" else full
    size = 64 if preset == "compact" else 32
    l = torch.rand(2, 1, size, size) * 100
    ab, mask = _hints(size=size, points=((3, 4), (20, 21)))
    with torch.inference_mode():
        out, logits = net.decode(net.encode(l), ab, mask, want_logits=True)
        out_no_logits, none = net.decode(net.encode(l), ab, mask)
    assert out.shape == (2, 2, size, size) and out.dtype == torch.float32
    assert out.abs().max() <= 110
    assert logits.shape == (2, 529, size // 4, size // 4)
    assert none is None
    assert torch.equal(out, out_no_logits)


@pytest.mark.parametrize("preset", ["compact", "full"])
def test_hints_no_hints_equals_zero_hints(preset, compact, full):
    net = compact if preset == "compact" else full
    l = torch.rand(1, 1, 32, 32) * 100
    zeros_ab, zeros_mask = torch.zeros(1, 2, 32, 32), torch.zeros(1, 1, 32, 32)
    with torch.inference_mode():
        none = net(l)
        assert torch.equal(none, net(l, zeros_ab, zeros_mask))
        assert torch.equal(none, net.decode(net.encode(l), zeros_ab, zeros_mask)[0])


def test_hints_no_hints_equals_zero_hints_with_mask_offset():
    # The authors' input-hints design at toy widths: the offset is independent of the widths.
    plain = _net("full", enc_widths=(8,) * 7, dec_widths=(8, 8, 8))
    shifted = HintsUNet(dataclasses.replace(plain.config, mask_offset=-0.5)).eval()
    shifted.load_state_dict(plain.state_dict())
    l = torch.rand(1, 1, 32, 32) * 100
    with torch.inference_mode():
        none = shifted(l)
        assert torch.equal(none, shifted(l, torch.zeros(1, 2, 32, 32), torch.zeros(1, 1, 32, 32)))
        assert not torch.equal(none, plain(l))  # the offset reaches the input


@pytest.mark.parametrize("preset", ["compact", "full"])
def test_hints_decode_of_encode_equals_forward(preset, compact, full, l_64):
    net = compact if preset == "compact" else full
    l = l_64 if preset == "compact" else l_64[:, :, :32, :32]
    ab, mask = _hints(size=l.shape[-1], points=((3, 4), (20, 21)))
    with torch.inference_mode():
        assert torch.equal(net.decode(net.encode(l), ab, mask)[0], net(l, ab, mask))


def test_hints_cache_is_l_only(compact, l_64):
    ab, mask = _hints()
    with torch.inference_mode():
        cache = compact.encode(l_64)
        before = {k: v.clone() for k, v in cache.features.items()}
        first = compact.decode(cache, ab, mask)[0]
        second = compact.decode(cache, ab * -1, mask)[0]
        third = compact.decode(cache, ab, mask)[0]
        fresh = compact.encode(l_64)
    assert set(before) == {"bottleneck", "model3short8", "model2short9"}
    assert before["bottleneck"].shape == (2, 128, 8, 8)
    assert before["model2short9"].shape == (2, 32, 32, 32)
    for key, value in before.items():
        assert torch.equal(cache.features[key], value), key  # decode never writes the cache
        assert torch.equal(fresh.features[key], value), key
    assert not torch.equal(first, second)  # hints reach the output ...
    assert torch.equal(first, third)  # ... and the same hints give the same result


def test_hints_full_cache_holds_only_normalised_l(full):
    l = torch.rand(1, 1, 32, 32) * 100
    cache = full.encode(l)
    assert cache.features == {}
    assert torch.allclose(cache.l_norm, (l - 50) / 100)
    assert cache.size == (32, 32)


def test_hints_single_hint_changes_compact_output_near_it(compact):
    l = torch.full((1, 1, 64, 64), 60.0)
    ab, mask = _hints(batch=1, points=((30, 30),))
    with torch.inference_mode():
        diff = (compact(l, ab, mask) - compact(l)).abs()
    assert diff.max() > 0


def test_hints_global_flags_off_equal_none(compact, l_64):
    ab, mask = _hints()
    hist = torch.softmax(torch.randn(2, 529), dim=1)
    sat = torch.tensor([[0.3], [0.8]])
    off_hist = torch.full((2, 529), float("nan"))
    off_sat = torch.full((2, 1), float("nan"))
    with torch.inference_mode():
        cache = compact.encode(l_64)
        none = compact.decode(cache, ab, mask)[0]
        assert torch.equal(compact.decode(cache, ab, mask, off_hist, off_sat)[0], none)
        both = compact.decode(cache, ab, mask, hist, sat)[0]
        assert not torch.equal(both, none)
        # Per-sample switch: row 1 off gives what sample 1 gives with the hints off.
        mixed_hist = hist.clone()
        mixed_hist[1] = float("nan")
        mixed = compact.decode(cache, ab, mask, mixed_hist, None)[0]
        only_hist = compact.decode(cache, ab, mask, hist, None)[0]
    assert torch.allclose(mixed[0], only_hist[0], atol=1e-5)
    assert torch.allclose(mixed[1], none[1], atol=1e-5)


def test_hints_global_shape_errors(compact, full, l_64):
    ab, mask = _hints()
    cache = compact.encode(l_64)
    with pytest.raises(ValueError, match=r"hist must be \(2, 529\), got \(2, 10\)"):
        compact.decode(cache, ab, mask, hist=torch.zeros(2, 10))
    with pytest.raises(ValueError, match=r"sat must be \(2, 1\)"):
        compact.decode(cache, ab, mask, sat=torch.zeros(2))
    small = full.encode(l_64[:, :, :32, :32])
    with pytest.raises(ValueError, match="no global-hints branch"):
        full.decode(small, ab[..., :32, :32], mask[..., :32, :32], sat=torch.zeros(2, 1))


def test_hints_size_errors(compact, l_64):
    with pytest.raises(ValueError, match="divisible by 8, got 60x64"):
        compact.encode(torch.zeros(1, 1, 60, 64))
    with pytest.raises(ValueError, match=r"l must be \(B,1,H,W\)"):
        compact.encode(torch.zeros(1, 3, 64, 64))
    cache = compact.encode(l_64)
    with pytest.raises(ValueError, match=r"hints must be \(2, \*, 64, 64\)"):
        compact.decode(cache, torch.zeros(2, 2, 32, 32), torch.zeros(2, 1, 32, 32))
    with pytest.raises(ValueError, match="hints must be"):
        compact.decode(cache, torch.zeros(1, 2, 64, 64), torch.zeros(1, 1, 64, 64))


def test_hints_deterministic_eval_and_batch_independent(compact, l_64):
    ab, mask = _hints()
    with torch.inference_mode():
        batch = compact(l_64, ab, mask)
        assert torch.equal(batch, compact(l_64, ab, mask))
        single = compact(l_64[1:], ab[1:], mask[1:])
    assert torch.allclose(batch[1:], single, atol=1e-4)
    again = _net("compact")
    for key, value in compact.state_dict().items():
        assert torch.equal(value, again.state_dict()[key]), key


def test_pooled_hints_summarises_cells():
    ab = torch.zeros(1, 2, 16, 16)
    mask = torch.zeros(1, 1, 16, 16)
    ab[0, :, 9, 2] = torch.tensor([0.5, -0.25])
    mask[0, 0, 9, 2] = 1.0
    maps = pooled_hints(ab, mask, [8, 4, 1])
    assert set(maps) == {8, 4, 1}
    cell = maps[8][0, :, 1, 0]
    assert torch.allclose(cell, torch.tensor([0.5, -0.25, 1 / 64, 1.0]))
    assert maps[8][0, :, 0].abs().sum() == 0 and maps[8][0, :, 1, 1].abs().sum() == 0
    assert torch.allclose(maps[4][0, :, 2, 0], torch.tensor([0.5, -0.25, 1 / 16, 1.0]))
    assert torch.equal(maps[1][0, :, 9, 2], torch.tensor([0.5, -0.25, 1.0, 1.0]))


def test_hints_compact_state_dict_keys_stable(compact):
    state = compact.state_dict()
    assert len(state) == 117  # 132 before the global branch lost its 3 BatchNorms (5 tensors each)
    expected = {
        "model1.0.weight": (32, 1, 3, 3),
        "model1.4.running_mean": (32,),
        "model5.0.weight": (128, 128, 3, 3),
        "model7.6.weight": (128, 128, 3, 3),
        "model7.8.num_batches_tracked": (),
        "hint8.0.weight": (128, 4, 1, 1),
        "hint4.2.weight": (64, 64, 1, 1),
        "global_hist.weight": (128, 530, 1, 1),
        "global_sat.weight": (128, 2, 1, 1),
        "global_mlp.4.weight": (128, 128, 1, 1),
        "model8up.0.weight": (128, 64, 4, 4),
        "model3short8.0.weight": (64, 128, 3, 3),
        "model8.5.weight": (64,),
        "model_class.0.weight": (529, 64, 1, 1),
        "model9up.0.weight": (64, 32, 4, 4),
        "model2short9.0.weight": (32, 64, 3, 3),
        "model9.3.running_mean": (32,),
        "hint2.0.weight": (32, 4, 1, 1),
        "model_out.0.weight": (2, 32, 1, 1),
    }
    for key, shape in expected.items():
        assert tuple(state[key].shape) == shape, key
    assert [compact.model7[i].dilation[0] for i in (0, 2, 4, 6)] == [1, 2, 4, 8]


def test_hints_compact_is_small(compact):
    assert count_parameters(compact) * 4 < 10e6


def test_hints_preset_from_registry_matches_class_preset():
    torch.manual_seed(0)
    net = build_network("hints", preset_config("hints", "compact"))
    assert isinstance(net, HintsUNet) and net.config == HintsUNet.PRESETS["compact"]
    assert HintsUNet.PRESETS["full"] == HintsConfig()


def test_hints_global_branch_same_in_train_and_eval_after_training():
    # Regression: BatchNorm over one value per sample had zero batch variance when every
    # sample's global hints were off; its running variance collapsed and eval mode then
    # amplified tiny drifts hundreds of times (val PSNR 9 dB instead of 22 dB).
    torch.manual_seed(0)
    net = build_network("hints", preset_config("hints", "compact")).train()
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    l = torch.rand(2, 1, 32, 32) * 100
    for _ in range(5):
        loss = (net(l) - 20.0).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        l_norm = net.encode(l).l_norm
        train_offset = net._global_features(None, None, l_norm)
        net.eval()
        eval_offset = net._global_features(None, None, l_norm)
    assert torch.allclose(train_offset, eval_offset, atol=1e-5)
