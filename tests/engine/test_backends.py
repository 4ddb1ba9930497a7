"""Backend registry, each backend's output, device choice and the suggested-colours palette."""

import numpy as np
import pytest
import torch

from ideepcolor_app.engine.backends import BACKENDS, Distribution, UnknownBackendError, create_backend
from ideepcolor_app.engine.device import pick_device, pick_dtype
from ideepcolor_app.engine.palette import suggested_colours
from ideepcolor_app.engine.session import ColorizeSession
from ideepcolor_app.hints import GlobalHints, HintPoint, Hints


@pytest.fixture
def l_photo() -> torch.Tensor:
    """(40, 60) L: a bright disc on a darker ramp."""
    yy, xx = torch.meshgrid(torch.arange(40.0), torch.arange(60.0), indexing="ij")
    return torch.where((yy - 20) ** 2 + (xx - 30) ** 2 < 100, 85.0, 20 + xx / 2)


def test_registry_names_every_backend_of_the_issue():
    assert set(BACKENDS) == {"hints", "zhang", "gan", "fusion", "levin"}


def test_unknown_backend_lists_the_known_ones():
    with pytest.raises(UnknownBackendError, match="unknown backend 'magic'; choose one of: hints, zhang"):
        create_backend("magic")


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_backend_gives_ab_at_working_resolution(name, l_photo):
    backend = create_backend(name, device="cpu")
    session = ColorizeSession(l_photo, backend, working_size=64)
    hints = Hints(width=60, height=40, points=(HintPoint(x=30, y=20, ab=(40.0, 30.0), size=5),))
    ab = session.predict(hints)
    h, w = session.working_shape
    assert h % backend.size_multiple == 0 and w % backend.size_multiple == 0 and w >= 64
    assert abs(h / w - 40 / 60) <= backend.size_multiple / w  # the photo's aspect, kept
    assert ab.shape == (2, h, w) and ab.dtype == torch.float32
    assert torch.isfinite(ab).all() and ab.abs().max() <= 128
    rgb = session.compose(ab)
    assert rgb.shape == (40, 60, 3) and rgb.dtype == np.uint8


def test_global_hints_reach_the_hints_network(l_photo, monkeypatch):
    backend = create_backend("hints", device="cpu")
    assert backend.uses_global_hints
    received = []
    decode = backend.net.decode

    def recording_decode(cache, hint_ab, hint_mask, hist=None, sat=None, *extra, want_logits=False):
        received.append((hist, sat))
        return decode(cache, hint_ab, hint_mask, hist, sat, *extra, want_logits=want_logits)

    monkeypatch.setattr(backend.net, "decode", recording_decode)
    session = ColorizeSession(l_photo, backend, working_size=32)
    histogram = tuple(np.eye(529)[100])
    plain = session.predict(Hints(width=60, height=40))
    steered = session.predict(Hints(width=60, height=40, global_hints=GlobalHints(saturation=0.9, histogram=histogram)))
    # received[0] is prepare's decode without hints (the propagation's colour guide and the
    # photo's colour without points, which `plain` is without another decode).
    assert received[0] == (None, None) and len(received) == 2
    hist, sat = received[1]
    assert sat.tolist() == [[pytest.approx(0.9)]]
    assert hist.shape == (1, 529) and hist[0, 100] == 1.0 and hist.sum() == 1.0
    assert not torch.equal(plain, steered)
    assert session.stats.prepare_calls == 1


def test_zhang_temperature_changes_only_the_decode(l_photo):
    backend = create_backend("zhang", device="cpu")
    session = ColorizeSession(l_photo, backend, working_size=32)
    cold, warm = session.predict(None, temperature=0.05), session.predict(None, temperature=1.0)
    assert session.stats.prepare_calls == 1 and session.stats.predict_calls == 2
    assert not torch.allclose(cold, warm)


@pytest.mark.parametrize("name", ["hints", "zhang"])
def test_distribution_is_a_probability_map(name, l_photo):
    session = ColorizeSession(l_photo, create_backend(name, device="cpu"), working_size=32)
    dist = session.distribution(None)
    assert dist.probs.ndim == 3 and dist.centres.shape == (dist.probs.shape[0], 2)
    assert np.allclose(dist.probs.sum(axis=0), 1.0, atol=1e-4)


def test_automatic_backends_have_no_distribution(l_photo):
    session = ColorizeSession(l_photo, create_backend("levin"), working_size=16)
    assert session.distribution(None) is None


def test_suggested_colours_are_most_probable_in_gamut_bins():
    centres = np.array([[0.0, 0.0], [20.0, 20.0], [100.0, -100.0], [-20.0, 40.0]], dtype=np.float32)
    probs = np.zeros((4, 2, 2), dtype=np.float32)
    probs[:, 1, 0] = [0.05, 0.2, 0.6, 0.15]  # the top bin (100, -100) is not displayable at L=50
    probs[:, 0, 0] = [1.0, 0.0, 0.0, 0.0]
    suggestions = suggested_colours(Distribution(probs, centres), l_value=50.0, x_frac=0.1, y_frac=0.9, count=2)
    assert [s.ab for s in suggestions] == [(20.0, 20.0), (-20.0, 40.0)]
    assert suggestions[0].probability == pytest.approx(0.2 / 0.35)


def test_pick_device_on_this_machine_and_bad_names(monkeypatch):
    monkeypatch.delenv("IDEEPCOLOR_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else None
    device = pick_device("auto")
    assert device.type == (expected or device.type)
    assert pick_device("cpu").type == "cpu" and pick_dtype(pick_device("cpu")) == torch.float32
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        pick_device("tpu")
    monkeypatch.setenv("IDEEPCOLOR_DEVICE", "cpu")
    assert pick_device().type == "cpu"


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_hints_backend_runs_in_half_precision_on_cuda(l_photo):
    backend = create_backend("hints", device="cuda")
    assert next(backend.net.parameters()).dtype == torch.float16
    ab = ColorizeSession(l_photo, backend, working_size=64).predict(None)
    assert ab.dtype == torch.float32 and ab.device.type == "cpu" and torch.isfinite(ab).all()


def test_a_backend_refuses_weights_of_another_family():
    from ideepcolor_app.engine.weights import WeightsError

    with pytest.raises(
        WeightsError, match="holds a 'zhang_lite' network, which the 'hints' backend cannot run; use --backend zhang"
    ):
        create_backend("hints", weights="zhang", device="cpu")


def test_gan_runs_an_adversarially_tuned_fusion_head_and_advice_names_fusion_first():
    from ideepcolor_app.engine.weights import ModelCard, WeightsError, check_backend_family

    tuned = ModelCard(name="gan", family="fusion_lite", config={}, trained=True)
    check_backend_family("gan", tuned, "gan.safetensors")  # the NoGAN generator: accepted
    check_backend_family("fusion", tuned, "gan.safetensors")
    with pytest.raises(WeightsError, match="the 'zhang' backend cannot run; use --backend fusion$"):
        check_backend_family("zhang", tuned, "gan.safetensors")
    with pytest.raises(WeightsError, match="the 'fusion' backend cannot run; use --backend gan$"):
        card = ModelCard(name="gan", family="gan_lite", config={}, trained=True)
        check_backend_family("fusion", card, "gan.safetensors")
