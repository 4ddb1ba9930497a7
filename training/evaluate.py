"""Evaluate trained networks with the protocol of docs/architecture.md ("Evaluation protocol").

    python -m training.evaluate --weights models/hints.safetensors models/zhang.safetensors \\
        --images ../shared/data/photos/val --json eval.json --plot eval.png [--grid grid.jpg]

For each network: PSNR at 0, 1, 2, 5, 10, 20, 50, 100 simulated hints (networks that ignore
hints only at 0) and the Hasler-Suesstrunk colourfulness at 0 hints; the same for the grey
(ab = 0) and Levin et al. references. Writes JSON, a PNG plot of PSNR against the number of
hints, and optionally a grid of results (grey input, each method, ground truth).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.engine.backends import Backend, HintsBackend, LevinBackend, NetworkBackend, create_backend
from ideepcolor_app.engine.weights import load_weights, read_card
from ideepcolor_app.nets import ColorNet
from ideepcolor_app.nets.zhang import AnnealedMean
from ideepcolor_app.propagation import LevinSolver
from training.config import DataConfig
from training.full_res import full_resolution_fidelity
from training.held_out_cards import store_network_held_out_psnr, update_backend_cards
from training.old_print import OLD_PRINT
from training.protocol import HINT_COUNTS, Predictor, ground_truth_colourfulness, load_eval_images, run_protocol
from training.report import save_grid, save_plot

logger = logging.getLogger(__name__)
#: Network families that take local hints.
HINT_FAMILIES = ("hints", "propagated_hints")
#: Hint count of the hint-guided columns of the result grid.
GRID_HINTS = 10


def network_predictor(net: ColorNet) -> tuple[Predictor, bool]:
    """(predict, uses_hints) for a loaded network of any family."""

    @torch.inference_mode()
    def predict(l, hints):
        if net.FAMILY in HINT_FAMILIES:
            return net(l, hints.ab, hints.mask)
        if isinstance(net, AnnealedMean):
            return net.colorize(l)
        return net(l)

    return predict, net.FAMILY in HINT_FAMILIES


def grey_predictor(l, hints) -> torch.Tensor:
    return torch.zeros(l.shape[0], 2, *l.shape[-2:])


def backend_predictor(backend: Backend) -> Predictor:
    """An app backend, its L-only work done once per photo (the protocol runs every count of
    one photo before the next)."""
    cached: dict[str, object] = {}

    def predict(l, hints):
        if cached.get("l") is not l:  # holding `l` keeps its id from going to a later photo
            cached.update(l=l, work=backend.prepare(l))
        return backend.predict(cached["work"], hints, 0.38)[None]

    return predict


def levin_predictor() -> Predictor:
    """Levin et al. as the app runs it: the coarse-grid solve of `ideepcolor_app.propagation`."""
    return backend_predictor(LevinBackend())


def exact_levin_predictor(l, hints) -> torch.Tensor:
    """Levin et al.'s exact solve at the protocol's full 256 x 256 (about 0.2 s a solve)."""
    ab = LevinSolver(l[0, 0].numpy()).solve(hints.ab[0].numpy(), hints.mask[0, 0].numpy() > 0.5)
    return torch.from_numpy(ab)[None]


def _automatic_scores(result: dict) -> dict:
    """The scores of a protocol result at its first count, rounded for JSON."""
    return {
        "psnr": round(result["psnr"][min(result["psnr"])], 3),
        "colourfulness": round(result["colourfulness"], 3),
        "false_colour": round(result["false_colour"], 5),
        "ab_error": round(result["ab_error"], 3),
        "blotch": round(result["blotch"], 5),
        "incoherent_chroma": round(result["incoherent_chroma"], 3),
        "face_error": None if result["face_error"] is None else round(result["face_error"], 3),
        "faces": result["faces"],
    }


def evaluate(
    weights: Sequence[Path],
    image_dirs: Sequence[str],
    size: int = 256,
    limit: int | None = None,
    levin: bool = True,
    exact_levin: bool = False,
    sources: Sequence[str] = (),
    backends: Sequence[str] = (),
    coherence: str = "on",
    old_print: bool = False,
) -> tuple[dict, dict[str, list[np.ndarray]]]:
    """Run the sweep; returns (results for JSON, grid column name -> images).

    Args:
        backends: app backends to score by name, without points (as `ideepcolor batch` runs
            them), with `coherence` "on" (as shipped), "off" (the network's output, boosted
            everywhere) or "both" (the second named "<name> (no coherence)").
        old_print: also score every method on the photos' L aged by
            `training.old_print.OLD_PRINT` (stored under "old_print"): the automatic scores at
            the first count, and for methods that take hints PSNR, hint fidelity and hint leak
            at every count ("psnr_by_count", "fidelity", "leak").
    """
    images = load_eval_images(image_dirs, size, limit, sources)
    methods: dict[str, dict] = {}
    columns: dict[str, list[np.ndarray]] = {"grey input": [im.grey_u8 for im in images]}

    def record(name: str, predict: Predictor, counts: Sequence[int], kind: str, **extra) -> dict:
        logger.info("evaluating %s on %d images", name, len(images))
        result = run_protocol(predict, images, counts)
        methods[name] = {
            "kind": kind,
            **extra,
            "psnr": {str(k): round(v, 3) for k, v in result["psnr"].items()},
            "fidelity": {str(k): round(v, 3) for k, v in result["fidelity"].items()},
            "leak": {str(k): round(v, 3) for k, v in result["leak"].items()},
            "colourfulness": round(result["colourfulness"], 3),
            "false_colour": round(result["false_colour"], 5),
            "border_stripes": round(result["border_stripes"], 3),
            **{
                k: v for k, v in _automatic_scores(result).items() if k not in ("psnr", "colourfulness", "false_colour")
            },
        }
        if old_print:
            aged = run_protocol(predict, images, counts, OLD_PRINT)
            methods[name]["old_print"] = _automatic_scores(aged)
            if list(counts) != [0]:
                methods[name]["old_print"].update(
                    psnr_by_count={str(k): round(v, 3) for k, v in aged["psnr"].items()},
                    fidelity={str(k): round(v, 3) for k, v in aged["fidelity"].items()},
                    leak={str(k): round(v, 3) for k, v in aged["leak"].items()},
                )
        return result["predictions"]

    record("grey", grey_predictor, (0,), "reference")
    for name in backends:
        for coherent in {"on": (True,), "off": (False,), "both": (True, False)}[coherence]:
            backend = create_backend(name, device="cpu")
            network = backend if isinstance(backend, NetworkBackend) else None
            if not coherent and network is not None:
                network.coherence = None
            label = name if coherent or coherence == "off" else f"{name} (no coherence)"
            columns[label] = record(
                label,
                backend_predictor(backend),
                (0,),
                "backend",
                coherence=coherent and network is not None and network.coherence is not None,
            )[0]
    for path in weights:
        net, card = load_weights(path)
        predict, uses_hints = network_predictor(net)
        if net.FAMILY == "propagated_hints":  # propagation and hint residual: the app's path
            predict = backend_predictor(HintsBackend(str(path), device="cpu"))
        counts = HINT_COUNTS if uses_hints else (0,)
        predictions = record(
            card.name, predict, counts, "hints" if uses_hints else "automatic", weights=str(path), trained=card.trained
        )
        columns[card.name] = predictions[0]
        if uses_hints:
            columns[f"{card.name}, {GRID_HINTS} hints"] = predictions[GRID_HINTS]
    if levin:
        predictions = record("levin", levin_predictor(), [n for n in HINT_COUNTS if n > 0], "reference")
        columns[f"levin, {GRID_HINTS} hints"] = predictions[GRID_HINTS]
    if exact_levin:
        record("levin (exact)", exact_levin_predictor, [n for n in HINT_COUNTS if n > 0], "reference")
    columns["ground truth"] = [im.rgb_u8 for im in images]
    results = {
        "protocol": "docs/architecture.md, evaluation protocol: photos squashed to size x size, N hints of side 6 "
        "with a fixed seed per image, PSNR of 8-bit sRGB",
        "images": len(images),
        "size": size,
        "folders": [str(d) for d in image_dirs],
        "sources": list(sources),
        "hint_counts": list(HINT_COUNTS),
        "ground_truth_colourfulness": round(ground_truth_colourfulness(images), 3),
        "methods": methods,
    }
    return results, columns


def update_cards(weights: Sequence[Path], results: dict) -> None:
    """Store each network's protocol numbers (and the references') in its model card."""
    references = {k: v["psnr"] for k, v in results["methods"].items() if v["kind"] == "reference"}
    for path in weights:
        card = read_card(path)
        method = results["methods"][card.name]
        key = "evaluation_held_out_sources" if results["sources"] else "evaluation"
        card.metrics[key] = {
            "protocol": results["protocol"],
            "images": results["images"],
            "size": results["size"],
            "folders": results["folders"],
            "sources": results["sources"],
            "psnr": method["psnr"],
            "fidelity": method["fidelity"],
            "leak": method["leak"],
            "colourfulness": method["colourfulness"],
            "false_colour": method["false_colour"],
            "border_stripes": method["border_stripes"],
            "ground_truth_colourfulness": results["ground_truth_colourfulness"],
            "references_psnr": references,
        }
        if "0" in method["psnr"]:
            store_network_held_out_psnr(card.metrics, results["sources"], method["psnr"]["0"])
        atomic_write_bytes(path.with_suffix(".json"), card.to_json().encode())


def full_res_fidelities(args: argparse.Namespace, results: dict) -> dict[str, dict[str, float]]:
    """Full-resolution hint fidelity of every hints network evaluated, and of levin."""
    backends: dict[str, Backend] = {}
    for path in args.weights:
        if results["methods"][read_card(path).name]["kind"] == "hints":
            backends[read_card(path).name] = HintsBackend(str(path), device="cpu")
    if not args.no_levin:
        backends["levin"] = LevinBackend()
    counts = [n for n in results["hint_counts"] if n > 0]
    return {
        name: {
            str(k): round(v, 3)
            for k, v in full_resolution_fidelity(
                backend, args.images, counts, args.size, args.limit, args.sources
            ).items()
        }
        for name, backend in backends.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, nargs="*", default=[], help="checkpoints to evaluate")
    parser.add_argument(
        "--backends", nargs="*", default=[], help="app backends to score without points (zhang, gan, fusion, hints)"
    )
    parser.add_argument(
        "--coherence",
        choices=("on", "off", "both"),
        default="on",
        help="the backends' coherent colour as shipped, off, or both side by side",
    )
    parser.add_argument(
        "--old-print",
        action="store_true",
        help="also score every method on L aged like an old print (fade, blur, grain): "
        "PSNR, hint fidelity and hint leak at every count for methods that take hints",
    )
    parser.add_argument("--images", nargs="+", default=list(DataConfig().val), help="photo folders")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--limit", type=int, help="use only the first N photos")
    parser.add_argument(
        "--sources", nargs="+", default=[], help="only photos of these MANIFEST.csv source packages (held-out sources)"
    )
    parser.add_argument("--no-levin", action="store_true", help="skip the Levin reference")
    parser.add_argument(
        "--exact-levin",
        action="store_true",
        help="also run Levin's exact full-size solve (slow) beside the app's coarse one",
    )
    parser.add_argument("--json", type=Path, default=Path("eval.json"))
    parser.add_argument("--plot", type=Path, default=Path("eval.png"))
    parser.add_argument(
        "--full-res-fidelity",
        action="store_true",
        help="also measure hint fidelity on full-resolution results (hints networks, levin)",
    )
    parser.add_argument("--grid", type=Path, help="also write a result grid (JPEG or PNG)")
    parser.add_argument("--grid-rows", type=int, default=6)
    parser.add_argument(
        "--update-cards",
        action="store_true",
        help="write each network's numbers into its model card (metrics.evaluation), "
        "and each backend's on a held-out set of training/held_out.py "
        "(metrics.new_held_out or metrics.first_held_out_validation)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results, columns = evaluate(
        args.weights,
        args.images,
        args.size,
        args.limit,
        not args.no_levin,
        args.exact_levin,
        args.sources,
        args.backends,
        args.coherence,
        args.old_print,
    )
    if args.full_res_fidelity:
        results["full_resolution_fidelity"] = full_res_fidelities(args, results)
    atomic_write_bytes(args.json, (json.dumps(results, indent=2) + "\n").encode())
    save_plot(results, args.plot)
    if args.grid:
        save_grid(columns, args.grid, args.grid_rows)
    if args.update_cards:
        update_cards(args.weights, results)
        update_backend_cards(args.backends, results)
    for name, method in results["methods"].items():
        psnr = "  ".join(f"{k}:{v:.2f}" for k, v in method["psnr"].items())
        print(
            f"{name:>18}  {psnr}  colourfulness {method['colourfulness']:.1f}  "
            f"false colour {100 * method['false_colour']:.2f} %  border stripes {method['border_stripes']:.2f}"
        )
        print(
            f"{'':>18}  ab error {method['ab_error']:.2f}  blotch {100 * method['blotch']:.1f} %  "
            f"incoherent chroma {method['incoherent_chroma']:.2f}  face ab error "
            + (f"{method['face_error']:.2f} ({method['faces']} photos)" if method["face_error"] is not None else "-")
        )
        if "old_print" in method:
            aged = method["old_print"]
            print(
                f"{'  old-print look':>18}  {next(iter(method['psnr']))}:{aged['psnr']:.2f}  "
                f"colourfulness {aged['colourfulness']:.1f}  "
                f"ab error {aged['ab_error']:.2f} ({aged['ab_error'] - method['ab_error']:+.2f})  "
                f"blotch {100 * aged['blotch']:.1f} %"
            )
        if method["fidelity"]:
            fidelity = "  ".join(f"{k}:{v:.2f}" for k, v in method["fidelity"].items())
            print(f"{'  hint fidelity':>18}  {fidelity}")
            leak = "  ".join(f"{k}:{v:.2f}" for k, v in method["leak"].items())
            print(f"{'  hint leak':>18}  {leak}")
        if "leak" in method.get("old_print", {}):
            aged = method["old_print"]
            psnr = "  ".join(f"{k}:{v:.2f}" for k, v in aged["psnr_by_count"].items())
            print(f"{'  old-print look':>18}  {psnr}")
            leak = "  ".join(f"{k}:{v:.2f}" for k, v in aged["leak"].items())
            print(f"{'  hint leak (aged)':>18}  {leak}")
    for name, fidelity in results.get("full_resolution_fidelity", {}).items():
        print(f"{name:>18}  full-resolution hint fidelity  " + "  ".join(f"{k}:{v:.2f}" for k, v in fidelity.items()))
    print(f"{'ground truth':>18}  colourfulness {results['ground_truth_colourfulness']:.1f}")
    print(f"wrote {args.json}, {args.plot}" + (f", {args.grid}" if args.grid else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
