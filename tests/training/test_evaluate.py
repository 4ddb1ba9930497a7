"""`training.evaluate` on three tiny generated images writes a valid JSON and a plot."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from ideepcolor_app.engine.weights import ModelCard, save_weights
from ideepcolor_app.hints import HintPoint, Hints
from ideepcolor_app.nets import build_network, preset_config
from training.evaluate import main
from training.metrics import (
    border_stripe_ratio,
    colourfulness,
    false_colour_share,
    hint_fidelity,
    hint_leak,
    psnr_u8,
)

from .conftest import colourful_photo


@pytest.fixture
def three_photos(tmp_path):
    folder = tmp_path / "val"
    folder.mkdir()
    for i in range(3):
        Image.fromarray(colourful_photo(20 + i, 40, 40)).save(folder / f"v{i}.png")
    return folder


def tiny_weights(folder, family):
    torch.manual_seed(0)
    config = preset_config(family)
    net = build_network(family, config)
    return save_weights(net, ModelCard(name=f"t_{family}", family=family, config=config, trained=False), folder)


def test_evaluate_writes_json_plot_and_grid(three_photos, tmp_path):
    hints = tiny_weights(tmp_path, "hints")
    plain = tiny_weights(tmp_path, "plain")
    out = tmp_path / "eval.json"
    plot, grid = tmp_path / "eval.png", tmp_path / "grid.png"
    argv = [
        "--weights",
        str(hints),
        str(plain),
        "--images",
        str(three_photos),
        "--size",
        "32",
        "--json",
        str(out),
        "--plot",
        str(plot),
        "--grid",
        str(grid),
        "--update-cards",
    ]
    assert main(argv) == 0
    results = json.loads(out.read_text())
    assert results["images"] == 3 and results["hint_counts"] == [0, 1, 2, 5, 10, 20, 50, 100]
    methods = results["methods"]
    assert set(methods) == {"grey", "t_hints", "t_plain", "levin"}
    assert list(methods["t_hints"]["psnr"]) == ["0", "1", "2", "5", "10", "20", "50", "100"]
    assert list(methods["t_plain"]["psnr"]) == ["0"]
    assert list(methods["levin"]["psnr"]) == ["1", "2", "5", "10", "20", "50", "100"]
    assert methods["grey"]["colourfulness"] < 1.0 < results["ground_truth_colourfulness"]
    # With 100 patches of side 6 on a 32 x 32 image Levin sees nearly all the colour.
    assert methods["levin"]["psnr"]["100"] > methods["grey"]["psnr"]["0"] + 5
    card = json.loads(hints.with_suffix(".json").read_text())["metrics"]["evaluation"]
    assert card["psnr"] == methods["t_hints"]["psnr"] and card["images"] == 3
    assert card["references_psnr"]["levin"] == methods["levin"]["psnr"]
    with Image.open(plot) as img:
        assert img.format == "PNG" and img.size[0] > 400
    with Image.open(grid) as img:
        assert img.size[0] > 6 * 100  # grey input, 3 network columns, levin, ground truth


def test_metrics_on_known_images():
    grey = np.full((1, 4, 4, 3), 128, np.uint8)
    assert colourfulness(grey)[0] == 0.0
    noisy = grey.copy()
    noisy[0, 0, 0, 0] = 138  # one channel of one pixel off by 10: MSE = 100 / 48
    assert psnr_u8(noisy, grey)[0] == pytest.approx(10 * np.log10(255**2 * 48 / 100))


def test_hint_fidelity_on_a_hand_computed_case():
    ab = np.zeros((2, 8, 8))
    ab[0, 2:4, 2:4] = [[10.0, 20.0], [30.0, 40.0]]  # mean a = 25 on the first patch
    ab[1, 2:4, 2:4] = 5.0
    ab[:, 6:, 6:] = -12.0  # the second patch, clipped at the corner: rows 6-7, cols 6-7
    hints = Hints(
        width=8,
        height=8,
        points=(
            HintPoint(x=3.0, y=3.0, ab=(28.0, 1.0), size=2),  # mean (25, 5): distance 5
            HintPoint(x=7.5, y=7.5, ab=(0.0, 0.0), size=4),  # mean (-12, -12): 16.97
        ),
    )
    assert hint_fidelity(ab, hints) == pytest.approx([5.0, 12.0 * np.sqrt(2)])
    # On a grid twice as fine, the same points cover the same photo area, patch sides in its pixels.
    assert hint_fidelity(np.zeros((2, 16, 16)), hints) == pytest.approx([28.0178, 0.0], abs=1e-3)


def test_hint_leak_on_a_hand_computed_case():
    truth = np.zeros((2, 8, 8))
    truth[0, :, 7] = 30.0  # a red column: not grey, so changes there do not count
    base = np.zeros((2, 8, 8))
    ab = base.copy()
    ab[0, 2:4, 2:4] = 50.0  # next to the hint: allowed
    ab[1, 7, :] = 8.0  # the bottom row, whose centres lie 4.5 px or more below the hint's
    hints = Hints(width=8, height=8, points=(HintPoint(x=3.0, y=3.0, ab=(50.0, 0.0), size=2),))
    # Pixel centres more than 4 px from (3, 3), column 7 left out: row 7 has 7, row 6 has 3
    # (columns 0, 5, 6), rows 5 and 0 one each (column 6); 7 of those 12 changed by 8.
    assert hint_leak(ab, base, truth, hints, far=4.0) == pytest.approx(8.0 * 7 / 12)
    # Half the photo's size in points maps to the same place on a grid twice as fine.
    assert hint_leak(np.zeros((2, 16, 16)), np.zeros((2, 16, 16)), np.zeros((2, 16, 16)), hints, far=8.0) == 0.0
    assert hint_leak(ab, base, truth, hints, far=20.0) is None  # nothing that far


def test_evaluate_scores_held_out_sources_with_fidelity(tmp_path):
    folder = tmp_path / "photos" / "train"
    folder.mkdir(parents=True)
    rows = ["file,split,source_package"]
    for i, source in enumerate(["kept", "held", "held"]):
        Image.fromarray(colourful_photo(30 + i, 40, 40)).save(folder / f"p{i}.png")
        rows.append(f"train/p{i}.png,train,{source}")
    (tmp_path / "photos" / "MANIFEST.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "held.json"
    plain = tiny_weights(tmp_path, "plain")
    argv = [
        "--images",
        str(folder),
        "--sources",
        "held",
        "--size",
        "32",
        "--json",
        str(out),
        "--plot",
        str(tmp_path / "held.png"),
        "--full-res-fidelity",
        "--weights",
        str(plain),
        "--update-cards",
    ]
    assert main(argv) == 0
    results = json.loads(out.read_text())
    metrics = json.loads(plain.with_suffix(".json").read_text())["metrics"]
    # "held" is not a held-out set of training/held_out.py, so no held-out figure has a name for it
    assert "held_out_psnr" not in metrics and "first_held_out_validation_psnr" not in metrics
    assert metrics["evaluation_held_out_sources"]["sources"] == ["held"]
    assert results["images"] == 2 and results["sources"] == ["held"]
    levin = results["methods"]["levin"]
    assert set(levin["fidelity"]) == {"1", "2", "5", "10", "20", "50", "100"}
    assert 0.0 <= levin["fidelity"]["1"] < 3.0  # propagation keeps a hint's colour on its patch
    assert set(results["full_resolution_fidelity"]["levin"]) == set(levin["fidelity"])
    assert set(levin["leak"]) <= set(levin["fidelity"]) and all(v >= 0.0 for v in levin["leak"].values())


def _textured_truth(size=32):
    """(2,S,S) ground-truth ab: a colourful half (chroma about 40) and a near-grey half."""
    truth = np.zeros((2, size, size))
    truth[0, :, : size // 2] = 30.0
    truth[1, :, : size // 2] = 25.0
    truth[:, :, size // 2 :] = 2.0
    return truth


def test_artefact_metrics_flag_a_blotch_and_a_stripe_not_a_clean_result():
    truth = _textured_truth()
    clean = truth * 0.8  # a bit greyer than the truth, no artefact
    assert false_colour_share(clean, truth) == 0.0
    assert border_stripe_ratio(clean) == pytest.approx(border_stripe_ratio(truth), abs=0.05)
    blotch = clean.copy()
    # A cyan patch in the grey half: 64 of 1024 pixels.
    blotch[:, 10:18, 20:28] = np.array([-30.0, -35.0])[:, None, None]
    assert false_colour_share(blotch, truth) == pytest.approx(64 / 1024)
    stripe = clean.copy()
    stripe[0, :, :4] += 45.0  # a pink stripe down the left edge
    assert border_stripe_ratio(stripe) > 1.3 * border_stripe_ratio(clean)
