"""The GUI figures of `ideepcolor bench` (tiny settings, levin: no weights needed)."""

import json

import pytest

from ideepcolor_app.cli.main import main
from ideepcolor_app.gui.benchmark import bench_first_result, bench_gui_drag
from tests.figures import assert_measured


def test_gui_drag_benchmark_reports_latency(qtbot):
    result = bench_gui_drag(moves=4, backend="levin", working_size=16, photo_hw=(48, 64))
    assert result["backend"] == "levin" and result["photo"] == "64x48" and not result["overlays"]
    assert_measured(result, "move_to_view_ms_p50", "move_to_view_ms_p95", "render_ms_p50", "draft_side")
    assert result["move_to_view_ms_p50"] <= result["move_to_view_ms_p95"]
    assert result["device"] == "levin on cpu" and result["target_ms_p50"] == 33.0


def test_gui_drag_benchmark_with_the_loupe_and_the_divider_shown(qtbot):
    result = bench_gui_drag(moves=3, backend="levin", working_size=16, photo_hw=(48, 64), overlays=True)
    assert result["overlays"] and result["target_ms_p50"] == 40.0
    assert_measured(result, "move_to_view_ms_p50", "move_to_view_ms_p95", "render_ms_p50")


def test_gui_drag_benchmark_with_a_busy_process_beside_it(qtbot):
    result = bench_gui_drag(moves=3, backend="levin", working_size=16, photo_hw=(48, 64), busy=1)
    assert result["busy_processes"] == 1 and result["target_ms_p50"] == 66.0
    assert_measured(result, "move_to_view_ms_p50", "move_to_view_ms_p95", "render_ms_p50")


def test_gui_drag_benchmark_failure_is_an_error_not_a_figure(qtbot):
    with pytest.raises(RuntimeError, match="render failed"):
        bench_gui_drag(moves=2, backend="hints", working_size=16, photo_hw=(48, 64), device="no-such-device")


ENGINE_ONLY = {
    "device": "cpu",
    "torch_threads": 1,
    "free_cores": 2.0,
    "backends": {},
    "compose_12mp_s": 0.1,
    "colorize_12mp_s": None,
    "peak_rss_mb": 1.0,
}
DRAG = {
    "backend": "hints",
    "moves": 2,
    "photo": "1024x768",
    "working_size": 16,
    "move_to_view_ms_p50": 40.0,
    "move_to_view_ms_p95": 55.0,
    "render_ms_p50": 30.0,
    "target_ms_p50": 33.0,
    "device": "hints on cpu",
}
FIRST = {"photo": "sample.jpg", "runs": 1, "first_result_s": [2.5], "first_result_s_median": 2.5, "target_s": 5.0}


@pytest.fixture
def fake_figures(monkeypatch):
    import ideepcolor_app.cli.bench as bench
    import ideepcolor_app.gui.benchmark as gui_bench

    monkeypatch.setattr(bench, "run_benchmarks", lambda *args: dict(ENGINE_ONLY))  # skip the slow engine part
    seen = []
    monkeypatch.setattr(
        gui_bench, "bench_gui_drag", lambda **kw: seen.append(kw) or dict(DRAG, overlays=kw.get("overlays", False))
    )
    monkeypatch.setattr(gui_bench, "bench_first_result", lambda photo, **kw: seen.append(kw) or dict(FIRST))
    return seen


def test_bench_includes_the_gui_figures_unless_told_not_to(tmp_path, capsys, fake_figures):
    out = tmp_path / "bench.json"
    assert main(["bench", "--size", "16", "--edits", "2", "--starts", "1", "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["gui"]["move_to_view_ms_p50"] == 40.0 and results["gui_overlays"]["overlays"]
    assert results["first_result"]["first_result_s_median"] == 2.5
    assert fake_figures[:2] == [
        {"moves": 2, "working_size": 16, "device": None, "busy": 0},
        {"moves": 2, "working_size": 16, "device": None, "busy": 0, "overlays": True},
    ]
    printed = capsys.readouterr().out
    assert "GUI point move -> updated view (" in printed and "loupe and before/after divider shown" in printed
    assert "App launch -> first result on screen" in printed
    assert main(["bench", "--size", "16", "--edits", "2", "--no-gui", "--json", str(out)]) == 0
    assert "gui" not in json.loads(out.read_text())
    assert "GUI point move" not in capsys.readouterr().out


def test_bench_gui_only_and_a_failing_figure_is_an_error(tmp_path, capsys, monkeypatch, fake_figures):
    import ideepcolor_app.gui.benchmark as gui_bench

    def fail(**kw):
        raise RuntimeError("render failed: no weights")

    monkeypatch.setattr(gui_bench, "bench_gui_drag", fail)
    assert main(["bench", "--gui-only", "--edits", "2", "--starts", "1"]) == 1
    printed = capsys.readouterr().out
    assert "GUI point move -> updated view: ERROR (RuntimeError: render failed: no weights)" in printed
    assert "skipped" not in printed and "App launch -> first result on screen" in printed


def test_a_gui_that_cannot_load_is_an_error_not_a_skip(tmp_path, capsys, monkeypatch):
    import sys

    import ideepcolor_app.cli.bench as bench
    import ideepcolor_app.gui

    monkeypatch.setattr(bench, "run_benchmarks", lambda *args: dict(ENGINE_ONLY))
    monkeypatch.delattr(ideepcolor_app.gui, "benchmark")
    monkeypatch.setitem(sys.modules, "ideepcolor_app.gui.benchmark", None)  # importing it raises ImportError
    out = tmp_path / "bench.json"
    assert main(["bench", "--size", "16", "--edits", "2", "--json", str(out)]) == 1
    results = json.loads(out.read_text())
    for key in ("gui", "gui_overlays", "first_result"):
        assert set(results[key]) == {"error"} and "--no-gui" in results[key]["error"]
    printed = capsys.readouterr().out
    assert "GUI point move -> updated view: ERROR (the GUI cannot load here" in printed
    assert "skipped" not in printed
    assert main(["bench", "--size", "16", "--edits", "2", "--no-gui"]) == 0  # what the message advises


@pytest.mark.slow
def test_first_result_is_timed_from_launch_in_a_new_process(tmp_path):
    from PIL import Image

    photo = tmp_path / "tiny.png"
    Image.new("L", (64, 48), 120).save(photo)
    result = bench_first_result(photo, runs=1)
    assert result["photo"] == "tiny.png" and len(result["first_result_s"]) == 1
    assert_measured(result, "first_result_s_median")
    assert result["first_result_s"] == [result["first_result_s_median"]]
