"""`ideepcolor bench`: hint-edit latency per backend, 12 MP composition and colourization time,
peak memory; `--busy N` measures the same beside N CPU-bound processes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.cli.common import bounded_int, positive_int
from ideepcolor_app.engine.backends import BACKENDS
from ideepcolor_app.engine.benchmark import DENSE_POINTS, bench_batch, busy_processes, run_benchmarks


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench", help="measure interactive speed and composition time",
        description=(
            "For each backend: p50/p95 milliseconds of a hint edit -> new ab at the working "
            "resolution (after warm-up, L-only work cached, as in the GUI); then the time of one "
            "full-resolution composition of a 12-megapixel photo, one 12 MP colorize from file to "
            "file (--colorize-backend), and peak memory. --busy N runs N CPU-bound processes "
            "beside it (a loaded machine); the torch thread count follows the free cores."
        ),
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--backend", action="append", choices=sorted(BACKENDS), dest="backends",
                        help="benchmark only this backend (repeatable; default: all)")
    parser.add_argument("--size", type=positive_int, default=256, metavar="N", help="working resolution (default: 256)")
    parser.add_argument("--edits", type=positive_int, default=30, help="timed edits per backend (default: 30)")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")
    parser.add_argument("--colorize-backend", choices=sorted(BACKENDS), default=None,
                        help="backend of the 12 MP colorize timing (default: hints) and of --batch "
                             "(default: automatic)")
    parser.add_argument("--no-gui", action="store_true",
                        help="skip the GUI figure (point move -> updated view over a scripted drag)")
    parser.add_argument("--batch", type=positive_int, metavar="N",
                        help="measure only batch speed instead: photos per minute over N synthetic 12 MP "
                             "JPEGs (JPEG out, written to a temporary folder), prefetching and one photo "
                             "at a time, with the automatic default (or --colorize-backend if given)")
    parser.add_argument("--busy", type=bounded_int(0, 64), default=0, metavar="N",
                        help="run the benchmarks and the GUI figure with N CPU-bound processes beside them "
                             "(a loaded machine; default 0)")
    parser.set_defaults(run=run)


def gui_figure(args: argparse.Namespace) -> dict:
    """The GUI latency, or {"skipped": reason} when Qt cannot start here."""
    try:
        from ideepcolor_app.gui.benchmark import bench_gui_drag  # Qt only now
    except ImportError as err:
        return {"skipped": f"Qt is not available: {err}"}
    try:
        return bench_gui_drag(moves=args.edits, working_size=args.size, device=args.device, busy=args.busy)
    except Exception as err:  # noqa: BLE001 - a benchmark reports what failed and goes on
        return {"skipped": f"{type(err).__name__}: {err}"}


def run_batch_bench(args: argparse.Namespace) -> int:
    with busy_processes(args.busy):
        results = bench_batch(args.batch, args.colorize_backend, args.device)
    results["busy_processes"] = args.busy
    print(f"batch, {results['photos']} photos of {results['megapixels']} MP, {results['format']}, "
          f"{results['backend']} (loaded in {results['backend_load_s']:.1f} s, not counted); "
          f"busy processes: {args.busy}, free cores: {results['free_cores']:.1f} of {results['cores']}")
    for mode in ("prefetch", "sequential"):
        row = results[mode]
        print(f"  {mode:<10} {row['photos_per_min']:6.1f} photos/min  ({row['seconds']:.1f} s, "
              f"{row['cpu_s_per_photo']:.2f} CPU s per photo, {row['torch_threads']} torch "
              f"thread{'s' if row['torch_threads'] > 1 else ''})")
    print(f"  speed-up   {results['speedup']:.2f}x")
    if args.json:
        atomic_write_bytes(args.json, (json.dumps(results, indent=2) + "\n").encode("utf-8"))
        print(f"wrote {args.json}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.batch:
        return run_batch_bench(args)
    args.colorize_backend = args.colorize_backend or "hints"
    with busy_processes(args.busy):
        results = run_benchmarks(args.backends, args.size, args.edits, args.device, args.colorize_backend)
    results["busy_processes"] = args.busy
    if not args.no_gui:
        results["gui"] = gui_figure(args)  # starts its own busy processes
    print(f"device: {results['device']}  busy processes: {args.busy}  free cores: {results['free_cores']:.1f}  "
          f"load average: {results.get('load_average_1min')}  torch threads: {results['torch_threads']}")
    print(f"{'backend':<8} {'edit p50 ms':>12} {'edit p95 ms':>12} {f'p50, {DENSE_POINTS} more':>14} {'L-only ms':>10}  note")
    for name, row in results["backends"].items():
        if "error" in row:
            print(f"{name:<8} {'-':>12} {'-':>12} {'-':>14} {'-':>10}  {row['error']}")
            continue
        note = {"untrained": "untrained weights", "none": "no weights"}.get(row["weights"], "")
        dense = "-" if row["edit_ms_p50_dense"] is None else f"{row['edit_ms_p50_dense']:.2f}"
        print(f"{name:<8} {row['edit_ms_p50']:>12.2f} {row['edit_ms_p95']:>12.2f} {dense:>14} "
              f"{row['prepare_ms']:>10.1f}  {note}")
    print(f"compose 12 MP: {results['compose_12mp_s']:.3f} s   peak RSS: {results['peak_rss_mb']:.0f} MB")
    if results.get("colorize_12mp_s") is not None:
        print(f"colorize 12 MP JPEG -> JPEG ({results['colorize_backend']}): {results['colorize_12mp_s']:.2f} s")
    gui = results.get("gui")
    if gui is not None and "skipped" in gui:
        print(f"GUI point move -> updated view: skipped ({gui['skipped']})")
    elif gui is not None:
        print(f"GUI point move -> updated view ({gui['backend']}, {gui['photo']} photo, {gui['moves']} drag steps)"
              f"{', %d busy processes' % gui['busy_processes'] if gui.get('busy_processes') else ''}: "
              f"p50 {gui['move_to_view_ms_p50']:.1f} ms, p95 {gui['move_to_view_ms_p95']:.1f} ms "
              f"(target p50 <= {gui['target_ms_p50']:.0f} ms)")
    if args.json:
        atomic_write_bytes(args.json, (json.dumps(results, indent=2) + "\n").encode("utf-8"))
        print(f"wrote {args.json}")
    failed = any("error" in row for row in results["backends"].values())
    return 1 if failed else 0
