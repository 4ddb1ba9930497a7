"""Each shipped network gives the output recorded beside its model card (`models/<name>.golden.json`):
a change to the inference path that alters a shipped network's colours fails here, and so do new
weights shipped without a new golden output (`python -m training.golden <name>` records one)."""

import json

import pytest

from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR, read_card
from training.golden import SHIPPED, golden_path, record


def _flat(nested) -> list[float]:
    return [v for channel in nested for row in channel for v in row]


@pytest.mark.parametrize("name", SHIPPED)
def test_golden_output_was_recorded_for_the_weights_the_card_describes(name):
    golden = json.loads(golden_path(name).read_text(encoding="utf-8"))
    card = read_card(BUNDLED_MODELS_DIR / f"{name}.safetensors")
    assert card.sha256 is not None
    assert golden["sha256"] == card.sha256, (
        f"models/{name}.json describes other weights than {golden_path(name).name} was recorded with: "
        f"look at the new weights' colours, then run {golden['regenerate']}"
    )
    assert golden["weights"] == f"{name}.safetensors" and golden["family"] == card.family


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_network_gives_its_golden_output(name):
    golden = json.loads(golden_path(name).read_text(encoding="utf-8"))
    now = record(name)
    assert now["input"] == golden["input"]
    assert len(_flat(golden["ab_every_24_px"])) == 24
    assert _flat(now["ab_every_24_px"]) == pytest.approx(_flat(golden["ab_every_24_px"]), abs=golden["tolerance"])
    assert now["mean_abs_ab"] == pytest.approx(golden["mean_abs_ab"], abs=golden["tolerance"])
    assert now["mean_abs_ab"] > 0.5  # a network that colours, not a grey output recorded as golden


def test_regenerating_writes_the_current_output_and_sha256(tmp_path):
    import shutil

    from training.golden import write

    for suffix in (".safetensors", ".json"):
        shutil.copy(BUNDLED_MODELS_DIR / f"zhang{suffix}", tmp_path / f"zhang{suffix}")
    written = json.loads(write("zhang", tmp_path).read_text(encoding="utf-8"))
    shipped = json.loads(golden_path("zhang").read_text(encoding="utf-8"))
    assert written == shipped
