"""Damage detectors that find nothing, so that tests of the user's damage strokes see what
their strokes do alone, whatever detector ships: a learned detector that answers "no damage"
everywhere (the restoration looks in $IDEEPCOLOR_MODELS first), and the hand-made detector of
specks and scratches switched off."""

from pathlib import Path

import pytest


def install_null_detector(monkeypatch, folder: Path) -> None:
    try:
        import torch

        from ideepcolor_app.restore.damage_net import DamageNet, DamageNetConfig
        from ideepcolor_app.restore.detector import save_detector
    except ImportError:
        return
    net = DamageNet(DamageNetConfig(widths=(4, 4, 4, 4)))
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.fill_(-20.0)  # every pixel: probability of damage about 2e-9
    folder.mkdir(parents=True, exist_ok=True)
    save_detector(net.eval(), folder / "damage_detector.safetensors", "finds nothing (tests)")
    monkeypatch.setenv("IDEEPCOLOR_MODELS", str(folder))
    import numpy as np

    from ideepcolor_app.restore import pipeline

    monkeypatch.setattr(pipeline, "find_defects", lambda x, noise: np.zeros(x.shape, bool))


@pytest.fixture
def null_detector(monkeypatch, tmp_path):
    install_null_detector(monkeypatch, tmp_path / "null_detector")
