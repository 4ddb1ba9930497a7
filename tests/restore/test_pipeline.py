"""The whole restoration: options, a clean photo survives, damage is repaired, no Qt."""

import ast
from pathlib import Path

import numpy as np
import pytest

import ideepcolor_app.restore
from ideepcolor_app.restore import RestoreOptions, restore_lightness
from tests.restore.conftest import psnr
from tests.restore.test_defects import plant


def test_options_are_checked():
    with pytest.raises(ValueError, match="tone"):
        RestoreOptions(tone="on")
    with pytest.raises(ValueError, match="strength"):
        RestoreOptions(strength="max")
    assert RestoreOptions().describe() == "tone auto, strength medium"


def test_bad_lightness_is_refused():
    with pytest.raises(ValueError):
        restore_lightness(np.zeros((4, 4, 3)))
    with pytest.raises(ValueError):
        restore_lightness(np.full((4, 4), np.nan))


@pytest.mark.parametrize("strength", ["low", "medium", "high"])
def test_clean_photo_comes_back_nearly_unchanged(textured_scene, strength):
    result = restore_lightness(textured_scene * 100, RestoreOptions(tone="off", strength=strength))
    assert result.l.shape == textured_scene.shape and result.l.dtype == np.float32
    assert psnr(result.l / 100, textured_scene) > 45
    assert not result.defects.any()


def test_damaged_photo_is_repaired(clean_scene):
    damaged, _ = plant(clean_scene)
    damaged = damaged + 0.03 * np.random.default_rng(3).standard_normal(damaged.shape).astype(np.float32)
    damaged = np.clip(damaged, 0, 1)
    result = restore_lightness(damaged * 100, RestoreOptions(tone="off"))
    assert psnr(result.l / 100, clean_scene) > psnr(damaged, clean_scene) + 8
    assert 0.02 < result.grain < 0.04


def test_restore_package_never_imports_qt():
    package = Path(ideepcolor_app.restore.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            )
            assert not any(n.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6") for n in names), path


def test_cache_keeps_restorations_per_photo_and_options(clean_scene):
    from ideepcolor_app.restore import RestoreCache

    cache = RestoreCache(entries=2)
    photo, other = clean_scene * 100, clean_scene[::-1].copy() * 100
    first = cache.restore(photo, RestoreOptions())
    assert cache.restore(photo, RestoreOptions()) is first and cache.computed == 1
    assert cache.restore(photo, RestoreOptions(tone="off")) is not first  # other options
    assert cache.restore(other, RestoreOptions()).l[0, 0] != first.l[0, 0]  # another photo
    assert cache.computed == 3
    assert cache.get(photo, RestoreOptions()) is None  # the oldest went (two entries kept)
