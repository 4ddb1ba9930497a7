"""The batch's backend per photo: automatic default, forced backend, summary, resume, prefetch."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from ideepcolor_app.engine.backend_choice import (
    FALLBACK_AUTOMATIC,
    AutomaticPick,
    BackendChoice,
    HeldOutScore,
    best_automatic,
    held_out_score,
)
from ideepcolor_app.engine.batch import BatchJob, run_batch
from ideepcolor_app.engine.weights import MODELS_ENV
from tests.engine.conftest import RecordingBackend

SIDECAR = (
    '{"version": 1, "image": {"width": 24, "height": 16}, '
    '"points": [{"x": 12, "y": 8, "ab": [60.0, 0.0], "size": 9}], '
    '"global": {"saturation": null, "histogram": null}}'
)


class YellowBackend(RecordingBackend):
    """An automatic stand-in: yellow (b = +50) everywhere, hints ignored."""

    uses_local_hints = False

    def __init__(self, name):
        super().__init__()
        self.name = name

    def predict(self, cache, hints, temperature):
        self.predict_calls += 1
        return torch.stack([torch.zeros_like(cache), torch.full_like(cache, 50.0)])


class Factory:
    """Opens fakes by name and counts how often each is opened."""

    def __init__(self):
        self.opened = []

    def __call__(self, name):
        self.opened.append(name)
        return RecordingBackend() if name == "hints" else YellowBackend(name)


def grey_photo(path, value=120):
    Image.fromarray(np.full((16, 24), value, dtype=np.uint8), mode="L").save(path)
    return path


@pytest.fixture
def family(tmp_path):
    """in/a.png (sidecar: red hint), in/b.png, in/c.png (sidecar), in/d.png, in/broken.png."""
    root = tmp_path / "in"
    root.mkdir()
    for name in "abcd":
        grey_photo(root / f"{name}.png", 60 + 40 * "abcd".index(name))
    (root / "a.hints.json").write_text(SIDECAR)
    (root / "c.hints.json").write_text(SIDECAR)
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    return root


def job(folder, out, **options):
    return BatchJob(folder, out, format="png", working_size=16, **options)


def auto(factory, name="gan"):
    return BackendChoice.auto(factory=factory, automatic=AutomaticPick(name, "test"))


def rgb(path):
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def score(psnr, colourfulness=0.70, false_colour=0.005, grey=20.0):
    return HeldOutScore(psnr, grey, colourfulness, false_colour, photos=37)


def test_best_automatic_takes_the_best_psnr_among_options_within_the_targets():
    pick = best_automatic(
        {
            "zhang": score(21.2),
            "gan": score(22.5, colourfulness=0.52),
            "fusion": score(21.6, false_colour=0.02),
            "hints": score(20.9),
        }
    )
    assert pick.name == "zhang"  # gan and fusion score higher but miss a target
    assert pick.reason == (
        "best PSNR on the new held-out sources (37 photos, no points) among options within the targets"
    )
    assert pick.figures.startswith(
        "gan 22.50 dB, colourfulness 52 %, false colour 0.50 % (misses colourfulness 52 %); "
        "fusion 21.60 dB, colourfulness 70 %, false colour 2.00 % (misses false colour 2.00 %); "
        "zhang 21.20 dB, colourfulness 70 %, false colour 0.50 %; hints 20.90 dB"
    )
    gain_too_small = {"zhang": score(21.2, grey=20.5), "gan": score(21.0, grey=19.5)}  # zhang: grey + 0.7 dB
    assert best_automatic(gain_too_small).name == "gan"


def test_best_automatic_takes_the_best_psnr_when_no_option_is_within_every_target():
    pick = best_automatic(
        {
            "zhang": score(21.91, 0.555, 0.0076),
            "gan": score(22.09, 0.519, 0.0045),
            "fusion": score(22.08, 0.514, 0.0037),
            "hints": score(22.24, 0.545, 0.0029),
        }
    )
    assert pick.name == "hints"  # hints with no points is an automatic option like the others
    assert pick.reason.endswith(
        "none is within every target (grey + 1.0 dB, colourfulness at least 65 %, false colour at most 1 %)"
    )
    assert pick.figures == (
        "hints 22.24 dB, colourfulness 55 %, false colour 0.29 %; gan 22.09 dB, "
        "colourfulness 52 %, false colour 0.45 %; fusion 22.08 dB, colourfulness 51 %, "
        "false colour 0.37 %; zhang 21.91 dB, colourfulness 56 %, false colour 0.76 %"
    )
    assert best_automatic({"zhang": score(21.0, 0.4), "gan": None, "fusion": score(20.0, 0.4)}).name == "zhang"


def test_best_automatic_breaks_ties_for_the_fallback_and_falls_back_when_nothing_is_measured():
    assert (
        best_automatic({"zhang": score(20.0), "gan": score(19.0), FALLBACK_AUTOMATIC: score(20.0)}).name
        == FALLBACK_AUTOMATIC
    )
    pick = best_automatic({"zhang": None, "gan": None, "fusion": None, "hints": None})
    assert pick.name == FALLBACK_AUTOMATIC and "no model card reports new_held_out" in pick.reason
    assert best_automatic({"zhang": score(20.0), "gan": score(19.0), "fusion": None, "hints": None}).figures.endswith(
        "; unmeasured: fusion, hints"
    )


def write_card(folder, name, metrics):
    (folder / f"{name}.safetensors").write_bytes(b"")
    (folder / f"{name}.json").write_text(
        json.dumps({"name": name, "family": name, "config": {}, "trained": True, "metrics": metrics})
    )


def new_held_out(psnr, colourfulness_ratio=0.7, false_colour=0.004, grey_psnr=20.0):
    """A card figure as `training.held_out_cards` writes it (the fields the pick reads)."""
    return {
        "new_held_out": {
            "sources": ["s1", "s2"],
            "photos": 12,
            "psnr": psnr,
            "grey_psnr": grey_psnr,
            "colourfulness_ratio": colourfulness_ratio,
            "false_colour": false_colour,
        }
    }


def test_the_pick_reads_the_new_held_out_figures_on_the_cards(tmp_path, monkeypatch):
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    write_card(tmp_path, "zhang", new_held_out(21.5))
    write_card(tmp_path, "gan", new_held_out(22.0))
    write_card(tmp_path, "fusion", {"first_held_out_validation_psnr": 30.0, "held_out_psnr": 30.0})  # validation
    write_card(tmp_path, "hints", new_held_out(21.0))
    assert held_out_score("gan") == HeldOutScore(22.0, 20.0, 0.7, 0.004, 12)
    assert held_out_score("fusion") is None and held_out_score("levin") is None  # unmeasured; no weights
    pick = best_automatic()
    assert pick.name == "gan"
    assert pick.reason.endswith("(12 photos, no points) among options within the targets")
    assert pick.figures == (
        "gan 22.00 dB, colourfulness 70 %, false colour 0.40 %; zhang 21.50 dB, colourfulness "
        "70 %, false colour 0.40 %; hints 21.00 dB, colourfulness 70 %, false colour 0.40 %; "
        "unmeasured: fusion"
    )

    write_card(tmp_path, "gan", new_held_out(22.0, colourfulness_ratio=0.5))  # now misses a target
    write_card(tmp_path, "hints", new_held_out(21.8))
    pick = best_automatic()
    assert pick.name == "hints"
    assert pick.figures.startswith(
        "gan 22.00 dB, colourfulness 50 %, false colour 0.40 % (misses colourfulness 50 %); hints 21.80 dB"
    )

    write_card(tmp_path, "fusion", new_held_out(23.0))
    assert best_automatic().name == "fusion"


def test_a_card_with_a_broken_or_partial_new_held_out_figure_is_unmeasured(tmp_path, monkeypatch):
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    figure = new_held_out(22.0)["new_held_out"]
    write_card(tmp_path, "zhang", {"new_held_out": {**figure, "psnr": "high"}})
    write_card(tmp_path, "gan", {"new_held_out": {k: v for k, v in figure.items() if k != "grey_psnr"}})
    write_card(tmp_path, "fusion", {"new_held_out": {**figure, "false_colour": float("nan")}})
    (tmp_path / "hints.json").write_text("{not json")
    (tmp_path / "hints.safetensors").write_bytes(b"")
    assert [held_out_score(name) for name in ("zhang", "gan", "fusion", "hints")] == [None] * 4
    assert best_automatic().name == FALLBACK_AUTOMATIC


def test_hints_as_the_automatic_default_colourizes_photos_without_a_sidecar_with_no_points(family, tmp_path):
    factory = Factory()
    report = run_batch(job(family, tmp_path / "out"), auto(factory, "hints"))
    assert {p.name: name for p, name in report.used.items()} == {
        "a.png": "hints",
        "b.png": "hints",
        "c.png": "hints",
        "d.png": "hints",
    }
    assert factory.opened == ["hints"]  # one backend serves both kinds of photo
    data = json.loads(report.to_json())
    rows = {row["photo"].rsplit("/", 1)[-1]: row for row in data["photos"]}
    assert rows["a.png"]["hints"].endswith("a.hints.json") and rows["b.png"]["hints"] is None
    out = tmp_path / "out"
    assert rgb(out / "a.png")[8, 12, 0] - rgb(out / "a.png")[8, 12, 1] > 20  # red from its sidecar's point
    assert rgb(out / "b.png")[8, 12, 0] - rgb(out / "b.png")[8, 12, 1] < 5  # no point, so no red


def test_automatic_default_picks_hints_for_sidecars_and_the_best_backend_otherwise(family, tmp_path):
    factory = Factory()
    report = run_batch(job(family, tmp_path / "out"), auto(factory))
    assert {p.name: name for p, name in report.used.items()} == {
        "a.png": "hints",
        "b.png": "gan",
        "c.png": "hints",
        "d.png": "gan",
    }
    assert sorted(factory.opened) == ["gan", "hints"]  # each opened once, when first needed
    out = tmp_path / "out"
    assert rgb(out / "a.png")[8, 12, 0] - rgb(out / "a.png")[8, 12, 1] > 20  # red from its sidecar
    assert rgb(out / "b.png")[8, 12, 0] - rgb(out / "b.png")[8, 12, 2] > 20  # the automatic yellow
    summary = report.summary()
    assert summary.startswith("4 colourized (gan 2, hints 2), 0 skipped (output exists), 1 failed")
    data = json.loads(report.to_json())
    assert data["backends"] == {"gan": 2, "hints": 2} and data["automatic"]["backend"] == "gan"
    rows = {row["photo"].rsplit("/", 1)[-1]: row for row in data["photos"]}
    assert rows["a.png"]["hints"].endswith("a.hints.json") and rows["b.png"]["hints"] is None
    assert rows["broken.png"]["status"] == "failed" and rows["broken.png"]["message"]


def test_automatic_default_without_sidecar_hints_uses_the_automatic_backend_only(family, tmp_path):
    factory = Factory()
    report = run_batch(job(family, tmp_path / "out", use_sidecar_hints=False), auto(factory, "zhang"))
    assert set(report.used.values()) == {"zhang"} and factory.opened == ["zhang"]


def test_a_forced_backend_colourizes_every_photo(family, tmp_path):
    forced = YellowBackend("fusion")
    report = run_batch(job(family, tmp_path / "out"), forced)
    assert set(report.used.values()) == {"fusion"} and len(report.used) == 4
    assert report.automatic is None and "(fusion 4)" in report.summary()


def test_a_backend_that_fails_to_open_fails_its_photos_only_and_is_not_retried(family, tmp_path):
    opened = []

    def factory(name):
        opened.append(name)
        if name == "gan":
            raise FileNotFoundError("no weights named 'gan'")
        return RecordingBackend()

    report = run_batch(job(family, tmp_path / "out"), auto(factory))
    assert [p.name for p in report.done] == ["a.png", "c.png"]
    assert {p.name: reason for p, reason in report.failed}["b.png"] == "no weights named 'gan'"
    assert opened.count("gan") == 1


def test_resume_with_mixed_backends_keeps_each_photos_choice(family, tmp_path):
    out = tmp_path / "out"
    checks = iter([False, False, True])
    first = run_batch(job(family, out), auto(Factory()), should_cancel=lambda: next(checks))
    assert first.cancelled and {p.name: n for p, n in first.used.items()} == {"a.png": "hints", "b.png": "gan"}
    before = {name: (out / name).read_bytes() for name in ("a.png", "b.png")}
    factory = Factory()
    resumed = run_batch(job(family, out), auto(factory))
    assert [p.name for p in resumed.skipped] == ["a.png", "b.png"]
    assert {p.name: n for p, n in resumed.used.items()} == {"c.png": "hints", "d.png": "gan"}
    assert {name: (out / name).read_bytes() for name in before} == before
    assert rgb(out / "c.png")[8, 12, 0] - rgb(out / "c.png")[8, 12, 1] > 20  # c's sidecar still applies
    assert "2 colourized (gan 1, hints 1), 2 skipped" in resumed.summary()


def test_prefetch_gives_the_outputs_and_order_of_one_photo_at_a_time(family, tmp_path):
    (tmp_path / "out_seq").mkdir()
    grey_photo(tmp_path / "out_seq" / "d.png")  # an output that already exists: skipped by both
    (tmp_path / "out_pre").mkdir()
    grey_photo(tmp_path / "out_pre" / "d.png")
    runs = {}
    for name, prefetch in (("seq", False), ("pre", True)):
        calls = []
        report = run_batch(
            job(family, tmp_path / f"out_{name}"),
            auto(Factory()),
            on_progress=lambda *c, calls=calls: calls.append(c),
            prefetch=prefetch,
        )
        runs[name] = ([(d, t, p.name, o.status, o.backend) for d, t, p, o in calls], report.summary())
    assert runs["pre"] == runs["seq"]
    assert [row[2:4] for row in runs["pre"][0]] == [
        ("a.png", "done"),
        ("b.png", "done"),
        ("broken.png", "failed"),
        ("c.png", "done"),
        ("d.png", "skipped"),
    ]
    for name in ("a.png", "b.png", "c.png", "d.png"):
        assert (tmp_path / "out_pre" / name).read_bytes() == (tmp_path / "out_seq" / name).read_bytes()


def test_shards_of_an_automatic_batch_choose_as_the_whole_run(family, tmp_path):
    from ideepcolor_app.engine.shard import Shard

    whole = run_batch(job(family, tmp_path / "whole"), auto(Factory())).used
    parts = [
        run_batch(job(family, tmp_path / "parts", shard=Shard.parse(f"{k}/3")), auto(Factory())).used for k in (1, 2, 3)
    ]
    merged = {photo: name for part in parts for photo, name in part.items()}
    assert sum(len(part) for part in parts) == len(merged) == len(whole)
    assert merged == whole
