"""pix2pix generator and PatchGAN discriminator: shapes, units, size errors and keys."""

import pytest
import torch

from ideepcolor_app.nets import (
    PatchDiscriminator,
    PatchDiscriminatorConfig,
    Pix2PixConfig,
    Pix2PixGenerator,
    build_network,
)
from ideepcolor_app.nets.blocks import count_parameters


@pytest.fixture(scope="module")
def compact():
    torch.manual_seed(0)
    return build_network("gan").eval()


def test_gan_compact_shape_and_units(compact):
    l = torch.rand(2, 1, 128, 128) * 100
    with torch.inference_mode():
        ab = compact(l)
    assert ab.shape == (2, 2, 128, 128)
    assert ab.abs().max() <= 110


def test_gan_small_config_any_depth():
    torch.manual_seed(0)
    net = Pix2PixGenerator(Pix2PixConfig(base_width=4, depth=3, dropout_blocks=1)).eval()
    with torch.inference_mode():
        assert net(torch.rand(1, 1, 24, 40) * 100).shape == (1, 2, 24, 40)


def test_gan_size_error_names_sizes(compact):
    with pytest.raises(ValueError, match=r"divisible by 128, got 100x128"):
        compact(torch.zeros(1, 1, 100, 128))


def test_gan_eval_is_deterministic_and_dropout_trains(compact):
    l = torch.rand(1, 1, 128, 128) * 100
    with torch.inference_mode():
        assert torch.equal(compact(l), compact(l))
    net = Pix2PixGenerator(Pix2PixConfig(base_width=4, depth=3, dropout_blocks=2)).train()
    torch.manual_seed(1)
    first = net(torch.rand(2, 1, 16, 16) * 100)
    assert not torch.equal(first, net(torch.rand(2, 1, 16, 16) * 100))


def test_gan_compact_state_dict_keys_stable(compact):
    state = compact.state_dict()
    assert len(state) == 70
    assert state["down.0.0.weight"].shape == (32, 1, 4, 4)
    assert "down.0.1.weight" not in state  # no BatchNorm on the outermost down block
    assert state["down.6.0.weight"].shape == (128, 128, 4, 4)
    assert "down.6.1.weight" not in state  # nor on the innermost
    assert state["up.0.0.weight"].shape == (128, 128, 4, 4)
    assert state["up.1.0.weight"].shape == (256, 128, 4, 4)  # after the skip concatenation
    assert state["out.0.weight"].shape == (64, 2, 4, 4)
    assert isinstance(compact.up[2][3], torch.nn.Dropout)
    assert len(compact.up[3]) == 3  # dropout only in the 3 innermost up blocks


def test_gan_compact_is_small(compact):
    assert count_parameters(compact) * 4 < 15e6


def test_patch_discriminator_shape():
    torch.manual_seed(0)
    disc = PatchDiscriminator(PatchDiscriminatorConfig(base_width=8, n_layers=3)).eval()
    l = torch.rand(2, 1, 64, 64) * 100
    ab = torch.rand(2, 2, 64, 64) * 220 - 110
    with torch.inference_mode():
        logits = disc(l, ab)
    assert logits.shape == (2, 1, 6, 6)
    with pytest.raises(ValueError, match=r"ab must be \(B,2,H,W\)"):
        disc(l, ab[:, :1])
