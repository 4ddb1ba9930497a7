"""PropagatedHintsNet: shapes, the start from propagation, global hints, and the L-only cache."""

import pytest
import torch

from ideepcolor_app.engine.backends import HintsBackend
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.engine.weights import ModelCard, save_weights
from ideepcolor_app.hints import HintPoint, Hints
from ideepcolor_app.nets import PropagatedHintsConfig, PropagatedHintsNet

CONFIG = PropagatedHintsConfig(pretrained_backbone=False)


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    return PropagatedHintsNet(CONFIG).eval()


def _perturb_output_layer(net):
    """Give the zero-initialised last conv weights, as training does."""
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for p in net.fine[-1].parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)


@pytest.mark.parametrize("hw", [(64, 64), (48, 96), (100, 36)])
def test_shapes_for_odd_aspects(net, hw):
    l = torch.rand(2, 1, *hw) * 100
    cache = net.encode(l)
    assert cache.context.shape == (2, CONFIG.width, hw[0] // 4, hw[1] // 4)
    assert cache.fine.shape == (2, CONFIG.fine_width, hw[0] // 2, hw[1] // 2)
    ab, logits = net.decode(cache, torch.zeros(2, 2, *hw), torch.zeros(2, 1, *hw), want_logits=True)
    assert ab.shape == (2, 2, *hw) and logits.shape == (2, CONFIG.num_bins, hw[0] // 4, hw[1] // 4)
    assert float(ab.detach().abs().max()) <= 110.0


def test_untrained_network_is_the_confidence_weighted_propagation(net):
    l = torch.rand(1, 1, 32, 32) * 100
    prop_ab = torch.empty(1, 2, 32, 32).uniform_(-60, 60)
    conf = torch.rand(1, 1, 32, 32)
    ab, _ = net.decode(
        net.encode(l), torch.zeros(1, 2, 32, 32), torch.zeros(1, 1, 32, 32), prop_ab=prop_ab, prop_conf=conf
    )
    assert torch.allclose(ab, prop_ab * conf, atol=1e-4)


def test_no_hints_equal_zero_hints_and_global_hints_change_the_result(net):
    torch.manual_seed(0)
    trained = PropagatedHintsNet(CONFIG).eval()
    _perturb_output_layer(trained)
    l = torch.rand(1, 1, 32, 32) * 100
    plain = trained(l)
    assert torch.equal(plain, trained(l, torch.zeros(1, 2, 32, 32), torch.zeros(1, 1, 32, 32)))
    saturated = trained(l, sat=torch.tensor([[0.9]]))
    assert float((saturated - plain).detach().abs().max()) > 1e-3
    assert torch.equal(trained(l, sat=torch.tensor([[float("nan")]])), plain)  # NaN = off


def test_checkpoint_leaves_out_the_pretrained_backbone(net):
    keys = net.own_state_dict().keys()
    assert keys and not any(k.startswith("backbone.") for k in keys)
    assert {"model_class.weight", "fine.2.weight", "lateral.15.weight"} <= set(keys)


@pytest.fixture
def guided_backend(tmp_path, net):
    card = ModelCard(name="guided", family="propagated_hints", config=CONFIG.to_dict(), trained=False)
    path = save_weights(net, card, tmp_path)
    return HintsBackend(str(path), device="cpu")


def test_a_hint_edit_does_not_rerun_the_encoder(guided_backend, monkeypatch):
    calls = {"encode": 0}
    encode = guided_backend.net.encode
    runs_before = guided_backend.net.backbone.runs

    def counting_encode(*args):
        calls["encode"] += 1
        return encode(*args)

    monkeypatch.setattr(guided_backend.net, "encode", counting_encode)
    l = torch.linspace(10, 90, 60)[None].repeat(40, 1)
    session = ColorizeSession(l, guided_backend, working_size=64)
    for x in (5.0, 20.0, 40.0, 55.0):
        hints = Hints(width=60, height=40, points=(HintPoint(x=x, y=20.0, ab=(40.0, -20.0), size=5),))
        ab = session.predict(hints)
        assert ab.shape == (2, 40, 64) and torch.isfinite(ab).all()
    assert calls == {"encode": 1}
    assert guided_backend.net.backbone.runs - runs_before == 1


def test_the_backend_honours_a_hint_on_its_patch(guided_backend):
    l = torch.full((64, 64), 50.0)
    l[:, 32:] = 95.0  # a bright region behind a strong edge
    session = ColorizeSession(l, guided_backend, working_size=64)
    green = (-45.0, 40.0)
    ab = session.predict(Hints(width=64, height=64, points=(HintPoint(x=12.0, y=32.0, ab=green, size=6),)))
    assert ab[:, 30:34, 10:14].mean(dim=(1, 2)).tolist() == pytest.approx(green, abs=2.0)
    assert float(ab[:, :, 44:].abs().mean()) < 3.0  # the bright side stays (nearly) neutral


def test_learned_blend_starts_near_the_full_blend_and_its_gate_moves_the_result():
    torch.manual_seed(0)
    gated = PropagatedHintsNet(PropagatedHintsConfig(pretrained_backbone=False, learned_blend=True)).eval()
    _perturb_output_layer(gated)
    l = torch.rand(1, 1, 32, 32) * 100
    prop_ab = torch.empty(1, 2, 32, 32).uniform_(-60, 60)
    conf = torch.rand(1, 1, 32, 32)
    cache = gated.encode(l)
    gated.config = PropagatedHintsConfig(pretrained_backbone=False)
    network_alone, _ = gated.decode(
        cache, torch.zeros(1, 2, 32, 32), torch.zeros(1, 1, 32, 32), prop_ab=prop_ab, prop_conf=conf
    )
    gated.config = PropagatedHintsConfig(pretrained_backbone=False, learned_blend=True)
    ab, _ = gated.decode(cache, torch.zeros(1, 2, 32, 32), torch.zeros(1, 1, 32, 32), prop_ab=prop_ab, prop_conf=conf)
    weight = torch.sigmoid(torch.tensor(4.0)) * conf  # the gate's conv starts at zero
    assert torch.allclose(ab, torch.lerp(network_alone, prop_ab, weight), atol=1e-3)
    with torch.no_grad():
        gated.blend_gate.bias.fill_(-20.0)  # a closed gate: the network alone
    closed, _ = gated.decode(
        cache, torch.zeros(1, 2, 32, 32), torch.zeros(1, 1, 32, 32), prop_ab=prop_ab, prop_conf=conf
    )
    assert torch.allclose(closed, network_alone, atol=1e-3)
    assert "blend_gate.weight" in gated.own_state_dict()


def test_learned_blend_and_a_fixed_blend_cannot_be_combined():
    with pytest.raises(ValueError, match="learned_blend"):
        PropagatedHintsConfig(learned_blend=True, propagation_blend=0.5)
