"""Document, Colorizer and ResultGate: plain Python, no QApplication."""

import numpy as np
import pytest
import torch

from ideepcolor_app.engine.backends import Backend
from ideepcolor_app.engine.colorizer import Colorizer, RenderRequest, ResultGate, gray_u8, preview_l
from ideepcolor_app.engine.document import Document, open_photo
from ideepcolor_app.hints import GlobalHints, HintPoint, Hints, save_hints
from tests.engine.conftest import RecordingBackend


@pytest.fixture
def l_photo() -> np.ndarray:
    """(24, 32) L ramp from 20 to 80 across."""
    return np.linspace(20, 80, 32, dtype=np.float32)[None, :].repeat(24, 0)


@pytest.fixture
def doc(l_photo) -> Document:
    return Document(l_photo, working_size=16)


def record(doc: Document) -> dict[str, list]:
    """Collect every event's payloads by event name."""
    seen: dict[str, list] = {name: [] for name in doc.events.NAMES}
    for name in doc.events.NAMES:
        getattr(doc.events, name).connect(lambda *args, n=name: seen[n].append(args))
    return seen


@pytest.mark.parametrize(
    "setter, value, event",
    [
        ("set_backend_name", "levin", "backend_name"),
        ("set_temperature", 0.7, "temperature"),
        ("set_working_size", 64, "working_size"),
        ("set_current_ab", (10.0, -20.0), "current_ab"),
        ("set_patch_size", 7, "patch_size"),
        ("set_global_store", GlobalHints(saturation=0.5), "global_store"),
    ],
)
def test_document_setter_emits_once_then_never_for_the_same_value(doc, setter, value, event):
    seen = record(doc)
    getattr(doc, setter)(value)
    assert seen[event] == [(value,)]
    getattr(doc, setter)(value)  # no-op
    assert seen[event] == [(value,)]


def test_document_generation_bumps_only_for_render_inputs(doc):
    seen = record(doc)
    start = doc.generation
    doc.set_hints(doc.hints.with_point(HintPoint(3.0, 4.0, (1.0, 2.0))))
    doc.set_selected(0)
    doc.set_current_ab((5.0, 5.0))
    doc.set_patch_size(5)
    assert doc.generation == start + 1
    assert seen["changed"] == [(start + 1,)]
    doc.set_temperature(0.5)
    doc.set_backend_name("zhang")
    assert doc.generation == start + 3


def test_document_rejects_bad_values(doc):
    with pytest.raises(ValueError, match="unknown backend 'nope'"):
        doc.set_backend_name("nope")
    with pytest.raises(ValueError, match="patch size"):
        doc.set_patch_size(10)
    with pytest.raises(ValueError, match="temperature"):
        doc.set_temperature(0.0)
    with pytest.raises(IndexError):
        doc.set_selected(0)
    with pytest.raises(ValueError, match="hints for a 10x10 photo"):
        doc.set_hints(Hints(10, 10))


def test_document_removing_the_selected_point_clears_the_selection(doc):
    doc.set_hints(doc.hints.with_point(HintPoint(3.0, 4.0, (1.0, 2.0))))
    doc.set_selected(0)
    seen = record(doc)
    doc.set_hints(doc.hints.without_point(0))
    assert doc.selected is None
    assert seen["selected"] == [(None,)]


def test_document_set_photo_resets_hints_selection_and_token(doc):
    doc.set_hints(doc.hints.with_point(HintPoint(3.0, 4.0, (1.0, 2.0))))
    doc.set_selected(0)
    token = doc.photo_token
    seen = record(doc)
    doc.set_photo(np.full((10, 12), 40.0, dtype=np.float32))
    assert doc.image_size == (12, 10)
    assert doc.hints == Hints(12, 10) and doc.selected is None
    assert doc.photo_token != token
    assert len(seen["photo"]) == 1 and len(seen["changed"]) == 1
    assert doc.lightness_at(5.5, 3.2) == pytest.approx(40.0)
    assert not doc.l_full.flags.writeable


def test_document_clamp_point_stays_inside(doc):
    x, y = doc.clamp_point(100.0, -3.0)
    assert doc.contains(x, y) and x < 32 and x > 31.99 and y == 0.0


def test_open_photo_reads_the_sidecar_and_reports_a_broken_one(tmp_path, gradient_rgb_u8):
    from PIL import Image

    photo = tmp_path / "family.png"
    Image.fromarray(gradient_rgb_u8).save(photo)
    hints = Hints(32, 24, (HintPoint(5.0, 6.0, (10.0, -30.0), 5),), GlobalHints(saturation=0.25))
    save_hints(hints, tmp_path / "family.hints.json")
    opened = open_photo(photo)
    assert opened.hints == hints and opened.hints_error is None
    assert opened.l_full.shape == (24, 32)
    (tmp_path / "family.hints.json").write_text('{"version": 1, "bogus": 2}')
    opened = open_photo(photo)
    assert opened.hints is None
    assert "family.hints.json" in opened.hints_error


# -- rendering -------------------------------------------------------------------------------


def recording_factory(backends: dict):
    def factory(name: str) -> Backend:
        backends.setdefault(name, RecordingBackend())
        return backends[name]

    return factory


def test_colorizer_runs_a_snapshot_and_caches_l_only_work(doc):
    backends: dict = {}
    colorizer = Colorizer(recording_factory(backends))
    doc.set_backend_name("levin")  # any registered name; the factory decides what runs
    first = colorizer.run(RenderRequest.from_document(doc))
    doc.set_hints(doc.hints.with_point(HintPoint(16.0, 12.0, (60.0, 0.0), 3)))
    request = RenderRequest.from_document(doc)
    second = colorizer.run(request)
    assert backends["levin"].prepare_calls == 1 and backends["levin"].predict_calls == 2
    assert (first.generation, second.generation) == (doc.generation - 1, doc.generation)
    assert second.rgb_u8.shape == (24, 32, 3) and second.rgb_u8.dtype == np.uint8
    assert second.ab_at(0.5, 0.5) == (60.0, 0.0)  # the hint's colour under the hint
    assert second.ab_at(0.0, 0.0)[0] == pytest.approx(float(second.ab_small[0, 0, 0]))
    assert second.rgb_u8[12, 16, 0] > second.rgb_u8[12, 16, 1] + 30  # red where a* = 60
    full = colorizer.render_full(request)
    assert full.shape == (24, 32, 3)


def test_colorizer_makes_a_new_session_for_another_backend_or_size(doc):
    backends: dict = {}
    colorizer = Colorizer(recording_factory(backends))
    colorizer.run(RenderRequest.from_document(doc))
    doc.set_working_size(24)
    colorizer.run(RenderRequest.from_document(doc))
    assert backends["hints"].prepare_calls == 2


def result_for(colorizer, doc):
    return colorizer.run(RenderRequest.from_document(doc))


def test_result_gate_drops_stale_generations_and_other_photos(doc):
    colorizer = Colorizer(recording_factory({}))
    gate = ResultGate()
    old = result_for(colorizer, doc)
    doc.set_hints(doc.hints.with_point(HintPoint(3.0, 4.0, (1.0, 2.0))))
    new = result_for(colorizer, doc)
    assert gate.accept(new, doc)
    assert not gate.accept(old, doc)  # older than what is shown
    assert not gate.accept(new, doc)  # already shown
    doc.set_backend_name("levin")
    newer_hints_old_backend = RenderRequest(doc.generation, doc.photo_token, doc.l_full, doc.hints, "hints", 0.38, 16)
    assert not gate.accept(colorizer.run(newer_hints_old_backend), doc)
    other = result_for(colorizer, doc)
    doc.set_photo(np.full((24, 32), 50.0, dtype=np.float32))
    assert not gate.accept(other, doc)  # made for the previous photo
    gate.reset()
    assert gate.accept(result_for(colorizer, doc), doc)


def test_result_gate_shows_intermediate_results_of_a_drag(doc):
    colorizer = Colorizer(recording_factory({}))
    gate = ResultGate()
    doc.set_hints(doc.hints.with_point(HintPoint(3.0, 4.0, (1.0, 2.0))))
    middle = result_for(colorizer, doc)
    doc.set_hints(doc.hints.with_point_replaced(0, HintPoint(9.0, 4.0, (1.0, 2.0))))
    last = result_for(colorizer, doc)
    assert gate.accept(middle, doc)  # newer than the screen, though not the latest
    assert gate.accept(last, doc)
    assert gate.shown_generation == doc.generation


def test_result_gate_takes_the_refinement_of_a_draft_once(doc, monkeypatch):
    from ideepcolor_app.engine import colorizer as colorizer_module

    monkeypatch.setattr(colorizer_module, "DRAFT_MAX_SIDE", 8)
    colorizer = Colorizer(recording_factory({}))
    gate = ResultGate()
    doc.set_hints(doc.hints.with_point(HintPoint(3.0, 4.0, (1.0, 2.0))))
    draft = colorizer.run(RenderRequest.from_document(doc, draft=True))
    full = colorizer.run(RenderRequest.from_document(doc))
    assert draft.draft and max(draft.rgb_u8.shape[:2]) == 8
    assert full.rgb_u8.shape[:2] == doc.l_full.shape  # small photo: the preview is the photo
    assert gate.accept(draft, doc) and gate.accept(full, doc)  # same generation, refined
    assert not gate.accept(draft, doc) and not gate.accept(full, doc)


def test_preview_l_caps_the_longest_side():
    l_full = torch.full((300, 1500), 42.0)
    small = preview_l(l_full, max_side=600)
    assert tuple(small.shape) == (120, 600)
    assert float(small.mean()) == pytest.approx(42.0)
    gray = gray_u8(np.full((8, 8), 50.0, dtype=np.float32))
    assert gray.shape == (8, 8, 3) and int(gray[0, 0, 0]) == int(gray[0, 0, 2]) == 119
