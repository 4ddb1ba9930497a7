"""ZhangNet (ECCV16 family): shapes, units, bins and the annealed mean."""

import pytest
import torch

from ideepcolor_app.color import BinSet
from ideepcolor_app.nets import ZhangNet, build_network, preset_config
from ideepcolor_app.nets.blocks import count_parameters


@pytest.fixture(scope="module")
def compact():
    torch.manual_seed(0)
    return build_network("zhang", preset_config("zhang", "compact")).eval()


@pytest.fixture
def l_64():
    return torch.rand(2, 1, 64, 64, generator=torch.Generator().manual_seed(1)) * 100


def test_grid_bin_centres_order():
    centres = BinSet.grid().centres
    assert centres.shape == (529, 2)
    assert centres[0].tolist() == [-110, -110]
    assert centres[1].tolist() == [-110, -100]  # b varies fastest: index ia * 23 + ib
    assert centres[23].tolist() == [-100, -110]
    assert centres[5 * 23 + 7].tolist() == [-60, -40]
    assert centres[528].tolist() == [110, 110]


def test_zhang_compact_shapes_and_units(compact, l_64):
    with torch.inference_mode():
        logits = compact(l_64)
        ab = compact.colorize(l_64)
    assert logits.shape == (2, 529, 16, 16)
    assert ab.shape == (2, 2, 64, 64)
    assert ab.abs().max() <= 110


def test_zhang_full_shapes_at_small_size():
    torch.manual_seed(0)
    net = build_network("zhang", preset_config("zhang", "full")).eval()
    with torch.inference_mode():
        logits = net(torch.rand(1, 1, 32, 32) * 100)
        ab = net.colorize(torch.rand(1, 1, 32, 32) * 100)
    assert logits.shape == (1, 313, 8, 8)
    assert ab.shape == (1, 2, 32, 32)
    assert net.bin_centres().shape == (313, 2)


def test_zhang_compact_centres_are_the_fixed_grid(compact):
    assert torch.allclose(compact.bin_centres(), BinSet.grid().centres, atol=1e-4)
    assert not compact.model_out.weight.requires_grad
    assert "model_out.weight" in compact.state_dict()
    assert compact.model_out.bias is None


def test_zhang_annealed_mean_uses_the_centres(compact):
    logits = torch.full((1, 529, 2, 3), -50.0)
    logits[0, 5 * 23 + 7] = 50.0  # all mass on (a, b) = (-60, -40)
    ab = compact.annealed_mean(logits, temperature=0.38)
    assert torch.allclose(ab, torch.tensor([-60.0, -40.0])[None, :, None, None].expand(1, 2, 2, 3), atol=1e-3)
    uniform = compact.annealed_mean(torch.zeros(1, 529, 1, 1), temperature=1.0)
    assert torch.allclose(uniform.flatten(), BinSet.grid().centres.mean(0), atol=1e-3)
    # Centres come from model_out: changing the weights changes the decode.
    net = ZhangNet(compact.config)
    with torch.no_grad():
        net.model_out.weight.mul_(0.5)
    assert torch.allclose(net.annealed_mean(logits), compact.annealed_mean(logits) * 0.5, atol=1e-3)


def test_zhang_annealed_mean_temperature_sharpens(compact):
    logits = torch.zeros(1, 529, 1, 1)
    logits[0, 24 * 20] = 2.0  # a = 90, b = 90 region
    hot = compact.annealed_mean(logits, temperature=1.0).norm()
    cold = compact.annealed_mean(logits, temperature=0.1).norm()
    assert cold > hot
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError, match="temperature must be > 0"):
            compact.annealed_mean(logits, temperature=bad)


def test_zhang_deterministic_eval(compact, l_64):
    with torch.inference_mode():
        assert torch.equal(compact(l_64), compact(l_64))
    torch.manual_seed(0)
    again = build_network("zhang", preset_config("zhang", "compact")).eval()
    for key, value in compact.state_dict().items():
        assert torch.equal(value, again.state_dict()[key]), key


def test_zhang_size_error(compact):
    with pytest.raises(ValueError, match="divisible by 8, got 60x64"):
        compact(torch.zeros(1, 1, 60, 64))


def test_zhang_compact_state_dict_keys_stable(compact):
    state = compact.state_dict()
    assert len(state) == 76
    assert state["model1.0.weight"].shape == (32, 1, 3, 3)
    assert state["model1.2.weight"].shape == (32, 32, 3, 3)  # stride-2 conv
    assert state["model3.6.running_var"].shape == (128,)
    assert state["model8.0.weight"].shape == (128, 96, 4, 4)
    assert state["model8.6.weight"].shape == (529, 96, 1, 1)
    assert state["model_out.weight"].shape == (2, 529, 1, 1)
    assert compact.model1[2].stride == (2, 2) and compact.model5[0].dilation == (2, 2)


def test_zhang_compact_is_small(compact):
    assert count_parameters(compact) * 4 < 10e6
