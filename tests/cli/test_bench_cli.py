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
