"""Switching backends on one photo runs the shared EfficientNet-Lite0 encoder once per view:
once for the automatic heads (reflect-padded view), once for `hints` (the view it was trained on)."""

import pytest
import torch

from ideepcolor_app.engine.backends import FusionBackend, GanBackend, HintsBackend, ZhangBackend
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.engine.weights import ModelCard, save_weights
from ideepcolor_app.hints import HintPoint, Hints
from ideepcolor_app.nets import build_network, preset_config
from ideepcolor_app.nets.lite_encoder import shared_encoder

FAMILIES = {"zhang": "zhang_lite", "gan": "gan_lite", "fusion": "fusion_lite", "hints": "propagated_hints"}
BACKENDS = {"zhang": ZhangBackend, "gan": GanBackend, "fusion": FusionBackend, "hints": HintsBackend}


@pytest.fixture(scope="module")
def backends(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    torch.manual_seed(0)
    made = {}
    for name, family in FAMILIES.items():
        net = build_network(family, {**preset_config(family), "pretrained_backbone": False})
        card = ModelCard(name=name, family=family, config=net.config.to_dict(), trained=False)
        made[name] = BACKENDS[name](str(save_weights(net, card, folder)), device="cpu")
    return made


def _photo(seed: float) -> torch.Tensor:
    yy, xx = torch.meshgrid(torch.arange(48.0), torch.arange(80.0), indexing="ij")
    return 50 + 40 * torch.sin(xx / (6 + seed)) * torch.cos(yy / 4)


def test_backends_hold_the_one_shared_encoder(backends):
    encoders = {id(b.net.backbone if name == "hints" else b.net.encoder) for name, b in backends.items()}
    assert encoders == {id(shared_encoder(pretrained=False))}


def test_switching_zhang_gan_fusion_hints_on_one_photo_runs_the_encoder_once_per_view(backends):
    encoder = shared_encoder(pretrained=False)
    hints = Hints(width=80, height=48, points=(HintPoint(x=20.0, y=20.0, ab=(30.0, 10.0), size=5),))
    for photo in (_photo(0.0), _photo(1.0)):
        before = encoder.runs
        results = {}
        for name in ("zhang", "gan", "fusion"):
            session = ColorizeSession(photo, backends[name], working_size=64)
            results[name] = session.predict(hints)
            assert results[name].shape == (2, *session.working_shape)
        assert encoder.runs - before == 1  # the three automatic heads share one run
        ColorizeSession(photo, backends["hints"], working_size=64).predict(hints)
        assert encoder.runs - before == 2  # hints: its unpadded view
        for name in ("zhang", "gan", "fusion", "hints"):  # switching back costs nothing
            again = ColorizeSession(photo, backends[name], working_size=64).predict(hints)
            assert name == "hints" or torch.equal(again, results[name])
        assert encoder.runs - before == 2
        assert not torch.equal(results["gan"], results["fusion"])  # three heads, three results
