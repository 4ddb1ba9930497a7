"""The networks we ship are trained, evaluated, and do what their backends promise."""

import json
import re

import numpy as np
import pytest
import torch

from ideepcolor_app.engine.backends import create_backend
from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR, read_card
from ideepcolor_app.hints import HintPoint, Hints, rasterize_hints

SIZE = 128


def textured_l() -> torch.Tensor:
    """(1,1,S,S) L with a gradient and soft stripes: some structure, no colour cue."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    l = 45 + 25 * x + 8 * np.sin(12 * y)
    return torch.from_numpy(l).float()[None, None]


@pytest.mark.parametrize("name", ["hints", "zhang", "gan", "fusion"])
def test_shipped_network_is_trained_and_its_card_has_val_numbers(name):
    card = json.loads((BUNDLED_MODELS_DIR / f"{name}.json").read_text())
    assert card["trained"] is True
    evaluation = card["metrics"]["evaluation"]
    assert set(evaluation["psnr"]) >= {"0"} and 15.0 < evaluation["psnr"]["0"] < 40.0
    assert create_backend(name, device="cpu").trained


@pytest.mark.parametrize("name", ["hints", "zhang", "gan", "fusion", "reference/plain", "reference/fusion_attention"])
def test_shipped_card_states_the_licences_of_weights_and_training_photos(name):
    card = read_card(BUNDLED_MODELS_DIR / f"{name}.safetensors")
    assert card.licence["weights"] == "MIT"
    photos = int(re.match(r"\S+ \((\d+) photos\)", card.training_data).group(1))
    assert sum(card.licence["training_photos"].values()) == photos
    assert "public-domain" in card.licence["training_photos"]
    assert ("encoder" in card.licence) == bool(card.config.get("pretrained_backbone"))


def hint_result(ab) -> torch.Tensor:
    """(2,S,S) ab from the shipped hints network with one 7 x 7 hint of `ab` at the centre."""
    backend = create_backend("hints", device="cpu")
    hints = Hints(width=SIZE, height=SIZE, points=(HintPoint(64.0, 64.0, ab, 7),))
    return backend.predict(backend.prepare(textured_l()), rasterize_hints(hints, (SIZE, SIZE)), 0.38)


def assert_colour_like(ab: torch.Tensor, want: tuple[float, float]) -> None:
    want_t = torch.tensor(want)
    cosine = torch.dot(ab, want_t) / (ab.norm() * want_t.norm())
    assert cosine > 0.9, (ab, want)  # the hue of the hint
    assert ab.norm() > 0.6 * want_t.norm(), (ab, want)  # and most of its chroma


@pytest.mark.parametrize("ab", [(-5.0, -45.0), (45.0, 40.0), (-40.0, 35.0)], ids=["blue", "red", "green"])
def test_shipped_hints_network_paints_the_hint_colour_on_its_patch(ab):
    assert_colour_like(hint_result(ab)[:, 62:67, 62:67].mean(dim=(1, 2)), ab)


def test_shipped_hints_network_spreads_a_blue_hint_around_it():
    assert_colour_like(hint_result((-5.0, -45.0))[:, 48:80, 48:80].mean(dim=(1, 2)), (-5.0, -45.0))


def test_shipped_hints_network_keeps_a_hint_on_its_side_of_a_strong_edge():
    """A green hint on dark foliage must not tint a bright shirt behind a strong edge."""
    l = torch.full((1, 1, SIZE, SIZE), 35.0)
    l[..., SIZE // 2 :] = 92.0
    backend = create_backend("hints", device="cpu")
    cache = backend.prepare(l)
    green = Hints(width=SIZE, height=SIZE, points=(HintPoint(32.0, 64.0, (-45.0, 40.0), 7),))
    with_hint = backend.predict(cache, rasterize_hints(green, (SIZE, SIZE)), 0.38)
    without = backend.predict(cache, rasterize_hints(Hints(width=SIZE, height=SIZE), (SIZE, SIZE)), 0.38)
    # Around the hint (it reaches its whole side, fading with distance: `propagation.reach`).
    assert_colour_like(with_hint[:, 48:80, 16:48].mean(dim=(1, 2)), (-45.0, 40.0))
    far_side = (with_hint - without)[:, :, SIZE // 2 + 8 :].norm(dim=0).mean()
    assert float(far_side) < 3.0
