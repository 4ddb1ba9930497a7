"""`ideepcolor bench --json` reports the numbers the issue asks for."""

import json

from ideepcolor_app.cli.main import main
from ideepcolor_app.engine.benchmark import edit_sequence


def test_bench_writes_the_documented_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "--backend", "levin", "--backend", "hints", "--size", "32", "--edits", "5",
                 "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["device"] == "cpu"
    assert set(results["backends"]) == {"levin", "hints"}
    for row in results["backends"].values():
        assert 0 < row["edit_ms_p50"] <= row["edit_ms_p95"]
        assert row["working_size"] == 32
        assert row["edit_ms_p50_dense"] > 0  # both take local hints
    assert results["backends"]["levin"]["weights"] == "none"
    assert results["backends"]["hints"]["weights"] in ("trained", "untrained")
    assert 0 < results["compose_12mp_s"] < 60
    assert results["peak_rss_mb"] > 100  # a 12 MP composition alone needs more than this
    printed = capsys.readouterr().out
    assert "compose 12 MP" in printed and "levin" in printed


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
