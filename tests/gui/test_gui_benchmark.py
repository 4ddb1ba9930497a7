"""The GUI figure of `ideepcolor bench` (tiny settings, levin: no weights needed)."""

import json

from ideepcolor_app.cli.main import main
from ideepcolor_app.gui.benchmark import bench_gui_drag


def test_gui_drag_benchmark_reports_latency(qtbot):
    result = bench_gui_drag(moves=4, backend="levin", working_size=16, photo_hw=(48, 64))
    assert result["backend"] == "levin" and result["photo"] == "64x48"
    assert 0 < result["move_to_view_ms_p50"] <= result["move_to_view_ms_p95"] < 30_000
    assert result["device"] == "levin on cpu" and result["target_ms_p50"] == 50.0


def test_gui_drag_benchmark_with_a_busy_process_beside_it(qtbot):
    result = bench_gui_drag(moves=3, backend="levin", working_size=16, photo_hw=(48, 64), busy=1)
    assert result["busy_processes"] == 1 and result["target_ms_p50"] == 100.0
    assert 0 < result["move_to_view_ms_p50"] < 30_000


ENGINE_ONLY = {"device": "cpu", "torch_threads": 1, "free_cores": 2.0, "backends": {}, "compose_12mp_s": 0.1,
               "colorize_12mp_s": None, "peak_rss_mb": 1.0}


def test_bench_includes_the_gui_figure_unless_told_not_to(tmp_path, capsys, monkeypatch):
    import ideepcolor_app.cli.bench as bench
    import ideepcolor_app.gui.benchmark as gui_bench

    monkeypatch.setattr(bench, "run_benchmarks", lambda *args: dict(ENGINE_ONLY))  # skip the slow engine part
    seen = []
    monkeypatch.setattr(gui_bench, "bench_gui_drag", lambda **kw: seen.append(kw) or {
        "backend": "hints", "moves": kw["moves"], "photo": "1024x768", "working_size": kw["working_size"],
        "move_to_view_ms_p50": 40.0, "move_to_view_ms_p95": 55.0, "target_ms_p50": 80.0, "device": "hints on cpu"})
    out = tmp_path / "bench.json"
    assert main(["bench", "--size", "16", "--edits", "2", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["gui"]["move_to_view_ms_p50"] == 40.0
    assert seen == [{"moves": 2, "working_size": 16, "device": None, "busy": 0}]
    assert "GUI point move -> updated view" in capsys.readouterr().out
    assert main(["bench", "--size", "16", "--edits", "2", "--no-gui", "--json", str(out)]) == 0
    assert "gui" not in json.loads(out.read_text())
    assert "GUI point move" not in capsys.readouterr().out
