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
    best_automatic,
    held_out_psnr,
)
from ideepcolor_app.engine.batch import BatchJob, run_batch
from ideepcolor_app.engine.weights import MODELS_ENV
from tests.engine.conftest import RecordingBackend

SIDECAR = ('{"version": 1, "image": {"width": 24, "height": 16}, '
           '"points": [{"x": 12, "y": 8, "ab": [60.0, 0.0], "size": 9}], '
           '"global": {"saturation": null, "histogram": null}}')


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


def test_best_automatic_takes_the_highest_held_out_psnr():
    assert best_automatic({"zhang": 19.2, "gan": 20.4, "fusion": 20.1}).name == "gan"
    assert best_automatic({"zhang": 19.2, "gan": None, "fusion": None}).name == "zhang"
    assert best_automatic({"zhang": 20.0, "gan": 19.0, "fusion": 20.0}).name == "fusion"  # tie: the fallback
    pick = best_automatic({"zhang": None, "gan": None, "fusion": None})
    assert pick.name == FALLBACK_AUTOMATIC and "no model card" in pick.reason


def write_card(folder, name, metrics):
    (folder / f"{name}.safetensors").write_bytes(b"")
    (folder / f"{name}.json").write_text(json.dumps(
        {"name": name, "family": name, "config": {}, "trained": True, "metrics": metrics}))


def test_held_out_psnr_reads_cards_and_ignores_cards_without_a_number(tmp_path, monkeypatch):
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    write_card(tmp_path, "zhang", {"held_out_psnr": 20.7})
    write_card(tmp_path, "gan", {"val_psnr": {"0": 21.0}, "evaluation_held_out_sources": {"psnr": {}}})
    write_card(tmp_path, "fusion", {"held_out_psnr": "high"})
    assert held_out_psnr("zhang") == 20.7
    assert held_out_psnr("gan") is None and held_out_psnr("fusion") is None
    assert held_out_psnr("levin") is None  # no weights at all
    (tmp_path / "gan.json").write_text("{not json")
    assert held_out_psnr("gan") is None
    assert best_automatic().name == "zhang"
    write_card(tmp_path, "fusion", {"evaluation_held_out_sources": {"psnr": {"0": 21.3}}})  # training.evaluate's
    assert held_out_psnr("fusion") == 21.3 and best_automatic().name == "fusion"


def test_automatic_default_picks_hints_for_sidecars_and_the_best_backend_otherwise(family, tmp_path):
    factory = Factory()
    report = run_batch(job(family, tmp_path / "out"), auto(factory))
    assert {p.name: name for p, name in report.used.items()} == {
        "a.png": "hints", "b.png": "gan", "c.png": "hints", "d.png": "gan"}
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
        report = run_batch(job(family, tmp_path / f"out_{name}"), auto(Factory()),
                           on_progress=lambda *c, calls=calls: calls.append(c), prefetch=prefetch)
        runs[name] = ([(d, t, p.name, o.status, o.backend) for d, t, p, o in calls], report.summary())
    assert runs["pre"] == runs["seq"]
    assert [row[2:4] for row in runs["pre"][0]] == [
        ("a.png", "done"), ("b.png", "done"), ("broken.png", "failed"), ("c.png", "done"), ("d.png", "skipped")]
    for name in ("a.png", "b.png", "c.png", "d.png"):
        assert (tmp_path / "out_pre" / name).read_bytes() == (tmp_path / "out_seq" / name).read_bytes()


def test_shards_of_an_automatic_batch_choose_as_the_whole_run(family, tmp_path):
    from ideepcolor_app.engine.shard import Shard

    whole = run_batch(job(family, tmp_path / "whole"), auto(Factory())).used
    parts = [run_batch(job(family, tmp_path / "parts", shard=Shard.parse(f"{k}/3")), auto(Factory())).used
             for k in (1, 2, 3)]
    merged = {photo: name for part in parts for photo, name in part.items()}
    assert sum(len(part) for part in parts) == len(merged) == len(whole)
    assert merged == whole
