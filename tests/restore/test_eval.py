"""The synthetic-damage evaluation: every kind reported with its detection scores and targets."""

import json

import numpy as np
from PIL import Image

from tests.restore.conftest import scene
from training.print_damage import KINDS
from training.restore_eval import main as eval_main


def test_evaluation_reports_every_kind(tmp_path, capsys):
    photos = tmp_path / "val"
    photos.mkdir()
    for index in range(2):
        gray = np.round(scene(96, 128) * 255).astype(np.uint8)[:, :: (1 if index == 0 else -1)]
        Image.fromarray(np.ascontiguousarray(gray)).save(photos / f"p{index}.png")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"specks": 3.0}))
    out = tmp_path / "eval.json"
    assert eval_main(["--images", str(photos), "--json", str(out), "--baseline", str(baseline)]) == 0
    summary = json.loads(out.read_text())["summary"]
    assert set(summary) == set(KINDS) | {"all", "clean", "clean, tone auto"}
    assert summary["specks"]["photos"] == 2
    assert "gain >= +3.00 dB (hand-made detector)" in summary["specks"]["targets"]
    assert set(summary["cracks"]["targets"]) == {"gain >= 8 dB", "IoU >= 0.7"}
    for entry in summary.values():
        assert 0 <= entry["precision"] <= 1 and 0 <= entry["iou"] <= entry["recall"] + 1e-9 or entry["iou"] == 0
    assert summary["clean"]["restored_db"] > 35  # a clean photo comes back nearly as it was
    printed = capsys.readouterr().out
    assert "cracks" in printed and "flagged%" in printed
