"""`training.evaluate` on three tiny generated images writes a valid JSON and a plot."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from ideepcolor_app.engine.weights import ModelCard, save_weights
from ideepcolor_app.nets import build_network, preset_config
from training.evaluate import main
from training.metrics import colourfulness, psnr_u8

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
    argv = ["--weights", str(hints), str(plain), "--images", str(three_photos), "--size", "32",
            "--json", str(out), "--plot", str(plot), "--grid", str(grid), "--update-cards"]
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
