"""The synthetic-damage evaluation: seeded damage, per-kind summary, and the benchmark photo."""

import numpy as np
from PIL import Image

from tests.restore.conftest import scene
from training.restore_bench import generated_photo
from training.restore_damage import KINDS, damage
from training.restore_eval import main as eval_main


def test_damage_is_seeded_and_each_kind_differs():
    clean = scene(64, 96)
    for kind in KINDS + ("all",):
        once, again = damage(clean, kind, 5), damage(clean, kind, 5)
        assert np.array_equal(once, again) and once.dtype == np.float32
        assert not np.array_equal(once, damage(clean, kind, 6))
        assert 0 <= once.min() and once.max() <= 1 and not np.array_equal(once, clean)
    faded = damage(clean, "fading", 1)
    assert faded.min() > 0.1 and faded.max() < 0.93  # the range is squeezed


def test_evaluation_reports_every_kind(tmp_path, capsys):
    photos = tmp_path / "val"
    photos.mkdir()
    for index in range(2):
        gray = np.round(scene(64, 96) * 255).astype(np.uint8)[:, ::(1 if index == 0 else -1)]
        Image.fromarray(np.ascontiguousarray(gray)).save(photos / f"p{index}.png")
    out = tmp_path / "eval.json"
    assert eval_main(["--images", str(photos), "--json", str(out), "--grid", str(tmp_path / "grid.png")]) == 0
    import json

    summary = json.loads(out.read_text())["summary"]
    assert set(summary) == {"specks", "scratches", "grain", "fading", "all", "clean", "clean, tone auto"}
    assert summary["grain"]["gain_db"] > 4 and summary["clean"]["restored_db"] > 40
    assert summary["specks"]["photos"] == 2
    assert "grain" in capsys.readouterr().out
    with Image.open(tmp_path / "grid.png") as grid:
        assert grid.size[0] > 3 * 64


def test_benchmark_photo_is_damaged_12mp_shaped():
    photo = generated_photo(0.12)
    assert photo.shape == (300, 400) and photo.dtype == np.float32
