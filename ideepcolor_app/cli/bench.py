"""`ideepcolor bench`: hint-edit latency per backend, 12 MP composition and colourization time,
peak memory, and the app's figures (a drag step, with and without the loupe and the
before/after divider, and the time from launch to the first result); `--busy N` measures the
same beside N CPU-bound processes. A GUI figure that fails is an error (exit status 1)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.cli.common import bounded_int, positive_int
from ideepcolor_app.cli.gui import GUI_MISSING, gui_installed
from ideepcolor_app.cli.text import fail
from ideepcolor_app.engine.backends import BACKENDS
from ideepcolor_app.engine.benchmark import DENSE_POINTS, bench_batch, busy_processes, run_benchmarks

#: The photo the first-result figure opens (an old scan as users open them; the sample if absent).
FIRST_RESULT_PHOTO = Path(__file__).resolve().parents[1] / "data" / "sample_pont_du_gard.jpg"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure interactive speed and composition time",
        description=(
            "For each backend: p50/p95 milliseconds of a hint edit -> new ab at the working "
            "resolution (after warm-up, L-only work cached, as in the GUI); then the time of one "
            "full-resolution composition of a 12-megapixel photo, one 12 MP colorize from file to "
            "file (--colorize-backend), and peak memory. --busy N runs N CPU-bound processes "
            "beside it (a loaded machine); the torch thread count follows the free cores."
        ),
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument(
        "--backend",
        action="append",
        choices=sorted(BACKENDS),
        dest="backends",
        help="benchmark only this backend (repeatable; default: all)",
    )
    parser.add_argument("--size", type=positive_int, default=256, metavar="N", help="working resolution (default: 256)")
    parser.add_argument("--edits", type=positive_int, default=30, help="timed edits per backend (default: 30)")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    parser.add_argument(
        "--colorize-backend",
        choices=sorted(BACKENDS),
        default=None,
        help="backend of the 12 MP colorize timing (default: hints) and of --batch (default: automatic)",
    )
    parser.add_argument(
        "--no-gui",
        action="store_true",
        help="skip the GUI figures (point move -> updated view over a scripted drag, plain and "
        "with the loupe and the before/after divider shown; launch -> first result)",
    )
    parser.add_argument(
        "--gui-only",
        action="store_true",
        help="measure only the GUI figures (skip the per-backend, composition and colorize timings)",
    )
    parser.add_argument(
        "--photo",
        type=Path,
        default=None,
        metavar="FILE",
        help="photo the launch -> first result figure opens (default: the bundled sample)",
    )
    parser.add_argument(
        "--starts",
        type=positive_int,
        default=3,
        metavar="N",
        help="app launches timed for the first-result figure (default: 3)",
    )
    parser.add_argument(
        "--batch",
        type=positive_int,
        metavar="N",
        help="measure only batch speed instead: photos per minute over N synthetic 12 MP "
        "JPEGs (JPEG out, written to a temporary folder), prefetching and one photo "
        "at a time, with the automatic default (or --colorize-backend if given)",
    )
    parser.add_argument(
        "--busy",
        type=bounded_int(0, 64),
        default=0,
        metavar="N",
        help="run the benchmarks and the GUI figure with N CPU-bound processes beside them "
        "(a loaded machine; default 0)",
    )
    parser.set_defaults(run=run)


def gui_figures(args: argparse.Namespace) -> dict:
    """The GUI figures: {"gui": drag, "gui_overlays": drag with loupe and divider, "first_result": launch},
    each a dict, {"error": reason} when it failed (an installed Qt that cannot load too), or
    {"skipped": reason} only when the gui extra is not installed."""
    if not gui_installed():
        skipped = {"skipped": GUI_MISSING}
        return {"gui": skipped, "gui_overlays": skipped, "first_result": skipped}
    try:
        from ideepcolor_app.gui import benchmark  # Qt only now
    except ImportError as err:
        error = {"error": f"the GUI cannot load here ({type(err).__name__}: {err}); --no-gui leaves its figures out"}
        return {"gui": error, "gui_overlays": error, "first_result": error}
    photo = args.photo or FIRST_RESULT_PHOTO
    runs = {
        "gui": lambda: benchmark.bench_gui_drag(
            moves=args.edits, working_size=args.size, device=args.device, busy=args.busy
        ),
        "gui_overlays": lambda: benchmark.bench_gui_drag(
            moves=args.edits, working_size=args.size, device=args.device, busy=args.busy, overlays=True
        ),
        "first_result": lambda: benchmark.bench_first_result(photo, runs=args.starts, busy=args.busy),
    }
    figures = {}
    for key, run_one in runs.items():
        try:
            figures[key] = run_one()
        except Exception as err:  # noqa: BLE001 - reported as an error of the figure, the others still run
            figures[key] = {"error": f"{type(err).__name__}: {err}"}
    return figures


def print_gui_figures(results: dict) -> None:
    for key, title in (
        ("gui", "GUI point move -> updated view"),
        ("gui_overlays", "GUI point move -> updated view, loupe and before/after divider shown"),
    ):
        gui = results.get(key)
        if gui is None:
            continue
        if "skipped" in gui or "error" in gui:
            print(f"{title}: {'skipped' if 'skipped' in gui else 'ERROR'} ({gui.get('skipped') or gui['error']})")
            continue
        busy = f", {gui['busy_processes']} busy processes" if gui.get("busy_processes") else ""
        print(
            f"{title} ({gui['backend']}, {gui['photo']} photo, {gui['moves']} drag steps{busy}): "
            f"p50 {gui['move_to_view_ms_p50']:.1f} ms, p95 {gui['move_to_view_ms_p95']:.1f} ms, "
            f"render p50 {gui['render_ms_p50']:.1f} ms (target p50 <= {gui['target_ms_p50']:.0f} ms)"
        )
    first = results.get("first_result")
    if first is not None:
        if "skipped" in first or "error" in first:
            print(
                f"App launch -> first result: {'skipped' if 'skipped' in first else 'ERROR'} "
                f"({first.get('skipped') or first['error']})"
            )
        else:
            runs = ", ".join(f"{s:.2f}" for s in first["first_result_s"])
            print(
                f"App launch -> first result on screen ({first['photo']}, first start, {first['runs']} launches): "
                f"median {first['first_result_s_median']:.2f} s ({runs}) (target <= {first['target_s']:.0f} s)"
            )


def run_gui_only(args: argparse.Namespace) -> int:
    results = gui_figures(args)
    results["busy_processes"] = args.busy
    print_gui_figures(results)
    return _finish(args, results, failed=False)


def _finish(args: argparse.Namespace, results: dict, failed: bool) -> int:
    if args.json:
        atomic_write_bytes(args.json, (json.dumps(results, indent=2) + "\n").encode("utf-8"))
        print(f"wrote {args.json}")
    gui_failed = any("error" in (results.get(key) or {}) for key in ("gui", "gui_overlays", "first_result"))
    return 1 if failed or gui_failed else 0


def run_batch_bench(args: argparse.Namespace) -> int:
    with busy_processes(args.busy):
        results = bench_batch(args.batch, args.colorize_backend, args.device)
    results["busy_processes"] = args.busy
    print(
        f"batch, {results['photos']} photos of {results['megapixels']} MP, {results['format']}, "
        f"{results['backend']} (loaded in {results['backend_load_s']:.1f} s, not counted); "
        f"busy processes: {args.busy}, free cores: {results['free_cores']:.1f} of {results['cores']}"
    )
    for mode in ("prefetch", "sequential"):
        row = results[mode]
        print(
            f"  {mode:<10} {row['photos_per_min']:6.1f} photos/min  ({row['seconds']:.1f} s, "
            f"{row['cpu_s_per_photo']:.2f} CPU s per photo, {row['torch_threads']} torch "
            f"thread{'s' if row['torch_threads'] > 1 else ''})"
        )
    print(f"  speed-up   {results['speedup']:.2f}x")
    if args.json:
        atomic_write_bytes(args.json, (json.dumps(results, indent=2) + "\n").encode("utf-8"))
        print(f"wrote {args.json}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.batch:
        return run_batch_bench(args)
    if args.gui_only:
        return run_gui_only(args) if gui_installed() else fail(GUI_MISSING)
    args.colorize_backend = args.colorize_backend or "hints"
    with busy_processes(args.busy):
        results = run_benchmarks(args.backends, args.size, args.edits, args.device, args.colorize_backend)
    results["busy_processes"] = args.busy
    if not args.no_gui:
        results.update(gui_figures(args))  # start their own busy processes
    print(
        f"device: {results['device']}  busy processes: {args.busy}  free cores: {results['free_cores']:.1f}  "
        f"load average: {results.get('load_average_1min')}  torch threads: {results['torch_threads']}"
    )
    print(
        f"{'backend':<8} {'edit p50 ms':>12} {'edit p95 ms':>12} {f'p50, {DENSE_POINTS} more':>14} "
        f"{'L-only ms':>10}  note"
    )
    for name, row in results["backends"].items():
        if "error" in row:
            print(f"{name:<8} {'-':>12} {'-':>12} {'-':>14} {'-':>10}  {row['error']}")
            continue
        note = {"untrained": "untrained weights", "none": "no weights"}.get(row["weights"], "")
        dense = "-" if row["edit_ms_p50_dense"] is None else f"{row['edit_ms_p50_dense']:.2f}"
        print(
            f"{name:<8} {row['edit_ms_p50']:>12.2f} {row['edit_ms_p95']:>12.2f} {dense:>14} "
            f"{row['prepare_ms']:>10.1f}  {note}"
        )
    print(f"compose 12 MP: {results['compose_12mp_s']:.3f} s   peak RSS: {results['peak_rss_mb']:.0f} MB")
    if results.get("colorize_12mp_s") is not None:
        print(f"colorize 12 MP JPEG -> JPEG ({results['colorize_backend']}): {results['colorize_12mp_s']:.2f} s")
    print_gui_figures(results)
    return _finish(args, results, failed=any("error" in row for row in results["backends"].values()))
