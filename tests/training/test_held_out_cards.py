"""training.held_out_cards: each backend's held-out figure goes into its card, and the batch default reads it."""

import json

import pytest

from ideepcolor_app.engine.backend_choice import best_automatic, held_out_score
from ideepcolor_app.engine.weights import MODELS_ENV
from training.held_out import FIRST_HELD_OUT, NEW_HELD_OUT
from training.held_out_cards import (
    FIRST_HELD_OUT_PSNR,
    backend_figure,
    figure_key,
    store_network_held_out_psnr,
    update_backend_cards,
)

NAMES = ("zhang", "gan", "fusion", "hints")


def results_for(sources, psnr, colourfulness=30.0, coherence=True):
    """`training.evaluate` results of `--backends` (no points) with these PSNRs by name."""
    methods = {"grey": {"kind": "reference", "psnr": {"0": 20.0}, "colourfulness": 0.1, "false_colour": 0.0}}
    for name, value in psnr.items():
        methods[name] = {
            "kind": "backend",
            "coherence": coherence,
            "psnr": {"0": value},
            "fidelity": {},
            "leak": {},
            "colourfulness": colourfulness,
            "false_colour": 0.004,
            "border_stripes": 0.98,
            "ab_error": 17.0,
            "blotch": 0.02,
            "incoherent_chroma": 0.2,
            "face_error": None,
            "faces": 0,
            "old_print": {"psnr": value - 1.0, "ab_error": 19.0},
        }
    return {"sources": list(sources), "images": 37, "size": 256, "ground_truth_colourfulness": 40.0, "methods": methods}


@pytest.fixture
def cards(tmp_path, monkeypatch):
    """Cards of the four automatic options in $IDEEPCOLOR_MODELS, with an old first held-out figure."""
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    for name in NAMES:
        (tmp_path / f"{name}.safetensors").write_bytes(b"")
        (tmp_path / f"{name}.json").write_text(
            json.dumps(
                {
                    "name": name,
                    "family": name,
                    "config": {},
                    "trained": True,
                    "metrics": {FIRST_HELD_OUT_PSNR: 25.0, "val_psnr": {"0": 24.0}},
                }
            )
        )
    return tmp_path


def metrics(folder, name):
    return json.loads((folder / f"{name}.json").read_text())["metrics"]


def test_figures_are_named_by_the_held_out_set_they_were_measured_on():
    assert figure_key(reversed(NEW_HELD_OUT)) == "new_held_out"
    assert figure_key(FIRST_HELD_OUT) == "first_held_out_validation"
    assert figure_key(()) is None and figure_key(NEW_HELD_OUT[:2]) is None


def test_backend_figure_is_the_app_as_shipped_beside_grey():
    figure = backend_figure(results_for(NEW_HELD_OUT, {"gan": 22.1}, colourfulness=26.0), "gan")
    assert figure["sources"] == list(NEW_HELD_OUT) and figure["photos"] == 37 and figure["points"] == 0
    assert (figure["psnr"], figure["grey_psnr"], figure["colourfulness_ratio"]) == (22.1, 20.0, 0.65)
    assert figure["false_colour"] == 0.004 and figure["old_print"] == {"psnr": 21.1, "ab_error": 19.0}
    with pytest.raises(ValueError, match="without its coherent colour"):
        backend_figure(results_for(NEW_HELD_OUT, {"gan": 22.1}, coherence=False), "gan")
    with pytest.raises(ValueError, match="not scored as a backend"):
        backend_figure(results_for(NEW_HELD_OUT, {"gan": 22.1}), "zhang")


def test_new_held_out_figures_written_to_the_cards_decide_the_batch_default(cards):
    written = update_backend_cards(
        NAMES, results_for(NEW_HELD_OUT, {"zhang": 21.9, "gan": 22.1, "fusion": 22.0, "hints": 22.3})
    )
    assert sorted(path.name for path in written) == sorted(f"{name}.json" for name in NAMES)
    hints = metrics(cards, "hints")
    assert hints["new_held_out"]["psnr"] == 22.3 and hints[FIRST_HELD_OUT_PSNR] == 25.0  # validation kept
    assert held_out_score("hints").psnr == 22.3
    assert best_automatic().name == "hints"  # colourfulness 75 %, false colour 0.4 %, grey + 2.3 dB: within all
    update_backend_cards(["gan"], results_for(NEW_HELD_OUT, {"gan": 22.5}))
    assert best_automatic().name == "gan"


def test_other_photos_leave_the_cards_as_they_were(cards):
    before = {name: (cards / f"{name}.json").read_text() for name in NAMES}
    assert update_backend_cards(NAMES, results_for(["some-source"], dict.fromkeys(NAMES, 23.0))) == []
    assert {name: (cards / f"{name}.json").read_text() for name in NAMES} == before
    with pytest.raises(ValueError):  # one bad figure: nothing written
        update_backend_cards(NAMES, results_for(NEW_HELD_OUT, {"zhang": 22.0, "gan": 22.0, "fusion": 22.0}))
    assert {name: (cards / f"{name}.json").read_text() for name in NAMES} == before
    assert best_automatic().name == "hints" and "no model card reports" in best_automatic().reason  # fallback


def test_a_networks_first_held_out_psnr_is_kept_as_validation():
    kept = {}
    store_network_held_out_psnr(kept, list(reversed(FIRST_HELD_OUT)), 23.0)
    store_network_held_out_psnr(kept, NEW_HELD_OUT, 21.0)
    store_network_held_out_psnr(kept, [], 24.0)
    assert kept == {FIRST_HELD_OUT_PSNR: 23.0}
