"""engine.about: what Help › About says about each backend and the licences (no Qt)."""

from ideepcolor_app.engine.about import backend_cards, card_from_json, component_versions
from ideepcolor_app.engine.backends import BACKENDS


def test_every_backend_has_a_card_or_says_why_not():
    cards = {card.name: card for card in backend_cards()}
    assert set(cards) == set(BACKENDS)
    assert cards["levin"].weights == "none" and "No weights" in cards["levin"].licence[0]
    for name in ("hints", "zhang", "gan", "fusion"):
        assert cards[name].weights in ("trained", "untrained", "missing")


def test_card_figures_and_licences_in_a_readers_words():
    card = card_from_json(
        "hints",
        "the hints network",
        {
            "trained": True,
            "training_data": "../shared/data/photos/train (449 photos); held out: sources x",
            "source": "this repository",
            "metrics": {
                "first_held_out_validation_psnr": 23.335,
                "val_psnr": {"10": 27.05, "0": 24.02, "1": 24.63},
                "evaluation_held_out_sources": {"images": 52, "sources": ["x", "y"]},
                "colourfulness_ratio": 0.61,
                "new_held_out": {
                    "sources": ["n", "m"],
                    "photos": 37,
                    "psnr": 22.244,
                    "grey_psnr": 20.44,
                    "colourfulness_ratio": 0.544,
                    "false_colour": 0.00292,
                },
            },
            "licence": {
                "weights": "MIT",
                "training_photos": {"CC0-1.0": 86, "public-domain": 120},
                "encoder": "the encoder weights are Apache-2.0",
            },
        },
    )
    assert card.training_data == "449 openly licensed photos (the corpus's train split); held out: sources x"
    figures = dict(card.figures)
    assert figures["Held out of training"] == (
        "22.2 dB PSNR without hints, colourfulness 54 %, false colour 0.29 % (37 photos of n, m)"
    )
    assert figures["Validation, first held-out sources"] == "23.3 dB PSNR without hints (52 photos of x, y)"
    assert figures["Validation"] == "24.0 dB at 0 hints, 24.6 dB at 1 hint, 27.1 dB at 10 hints"
    assert figures["Colourfulness"] == "61 % of the photos' own"
    assert card.licence == [
        "Weights: MIT.",
        "Training photos (206), by licence: public-domain 120, CC0-1.0 86.",
        "The encoder weights are Apache-2.0.",
    ]


def test_a_card_without_a_licence_says_so():
    assert card_from_json("gan", "a gan", {"trained": False}).licence == ["The model card does not state a licence."]


def test_components_name_their_licences():
    rows = {name: licence for name, _version, _what, licence in component_versions()}
    assert rows["PySide6-Essentials"].startswith("LGPL-3.0") and rows["torch"] == "BSD-3-Clause"
