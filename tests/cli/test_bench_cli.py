"""`ideepcolor bench --json` reports the documented figures, the GUI's included.

The figures themselves are the benchmark's output; these tests check that each one is there and
is a measurement (finite, positive), never how fast it is.
"""

import json

import pytest

from ideepcolor_app.cli.gui import GUI_MISSING, gui_installed
from ideepcolor_app.cli.main import main
from ideepcolor_app.engine.benchmark import edit_sequence
from tests.figures import assert_measured

#: What each GUI drag figure holds.
DRAG_KEYS = {
    "backend",
    "moves",
    "photo",
    "working_size",
    "overlays",
    "move_to_view_ms_p50",
    "move_to_view_ms_p95",
    "render_ms_p50",
    "draft_side",
    "busy_processes",
    "target_ms_p50",
    "device",
}
FIRST_RESULT_KEYS = {"photo", "runs", "first_result_s", "first_result_s_median", "busy_processes", "target_s"}


@pytest.mark.slow
def test_bench_writes_the_documented_json_with_the_gui_figures(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert (
        main(
            [
                "bench",
                "--backend",
                "levin",
                "--backend",
                "hints",
                "--size",
                "32",
                "--edits",
                "5",
                "--starts",
                "1",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    results = json.loads(out.read_text())
    assert results["device"] == "cpu"
    assert set(results["backends"]) == {"levin", "hints"}
    for row in results["backends"].values():
        assert_measured(row, "edit_ms_p50", "edit_ms_p95", "edit_ms_p50_dense", "prepare_ms")  # both take points
        assert row["edit_ms_p50"] <= row["edit_ms_p95"]
        assert row["working_size"] == 32
    assert results["backends"]["levin"]["weights"] == "none"
    assert results["backends"]["hints"]["weights"] in ("trained", "untrained")
    assert_measured(results, "compose_12mp_s", "colorize_12mp_s", "peak_rss_mb")
    assert results["peak_rss_mb"] > 100  # a 12 MP composition alone needs more than this
    printed = capsys.readouterr().out
    assert "compose 12 MP" in printed and "levin" in printed
    if not gui_installed():  # `pip install ideepcolor-app` without the gui extra
        assert results["gui"] == results["gui_overlays"] == results["first_result"] == {"skipped": GUI_MISSING}
        return
    for key, overlays in (("gui", False), ("gui_overlays", True)):
        drag = results[key]
        assert set(drag) == DRAG_KEYS, drag  # no "error", no "skipped"
        assert_measured(
            drag, "move_to_view_ms_p50", "move_to_view_ms_p95", "render_ms_p50", "target_ms_p50", "draft_side"
        )
        assert drag["move_to_view_ms_p50"] <= drag["move_to_view_ms_p95"]
        assert drag["overlays"] is overlays and drag["moves"] == 5 and drag["working_size"] == 32
        assert drag["backend"] == "hints" and drag["busy_processes"] == 0
    first = results["first_result"]
    assert set(first) == FIRST_RESULT_KEYS, first
    assert first["runs"] == 1 and len(first["first_result_s"]) == 1
    assert_measured(first, "first_result_s_median", "target_s")
    assert_measured({"run": first["first_result_s"][0]}, "run")
    assert "GUI point move -> updated view (" in printed and "App launch -> first result on screen" in printed
    assert "ERROR" not in printed and "skipped" not in printed


def test_bench_edits_really_change_the_hints():
    sequence = edit_sequence(400, 300, 6)
    assert len(set(sequence)) == 6
    assert all(h.width == 400 and h.height == 300 for h in sequence)


def test_dense_bench_edits_keep_their_placed_points_inside_the_photo():
    sequence = edit_sequence(400, 300, 4, placed=20)
    assert [len(h.points) for h in sequence] == [22, 21, 22, 21]
    placed = sequence[0].points[:20]
    assert all(p == q for p, q in zip(placed, sequence[1].points[:20], strict=True))  # the same 20 in every edit
    assert len({(p.x, p.y) for p in placed}) == 20
    assert all(40 <= p.x <= 360 and 30 <= p.y <= 270 for p in placed)


def test_bench_batch_prints_photos_per_minute_and_writes_json(tmp_path, capsys, monkeypatch):
    import functools

    import ideepcolor_app.cli.bench as bench_cli
    from ideepcolor_app.engine.benchmark import bench_batch

    monkeypatch.setattr(bench_cli, "bench_batch", functools.partial(bench_batch, size=(48, 64)))
    out = tmp_path / "batch.json"
    assert main(["bench", "--batch", "3", "--colorize-backend", "levin", "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["photos"] == 3 and results["backend"] == "levin" and results["format"] == "jpg -> jpg"
    for mode in ("prefetch", "sequential"):
        assert results[mode]["photos_per_min"] > 0 and results[mode]["torch_threads"] >= 1
    assert results["speedup"] > 0
    assert "photos/min" in capsys.readouterr().out
