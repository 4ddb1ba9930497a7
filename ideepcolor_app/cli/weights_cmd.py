"""`ideepcolor weights list|import`: what checkpoints are installed; import the authors'."""

from __future__ import annotations

import argparse
import json
import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch

from ideepcolor_app.cli.common import USER_ERRORS, fail
from ideepcolor_app.cli.text import say, shown
from ideepcolor_app.engine.weights import (
    ModelCard,
    WeightsError,
    check_finite,
    check_import_name,
    installed_weights,
    save_weights,
    user_models_dir,
)
from ideepcolor_app.nets import build_network
from ideepcolor_app.nets.official import OFFICIAL_FILES, convert_official


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "weights",
        help="list or import network weights",
        description="List installed network weights, or import the authors' checkpoints.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="show installed weights, trained or not, and their metrics",
        description="Show installed weights, trained or not, and their metrics.",
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(run=run_list)
    importing = actions.add_parser(
        "import",
        help="import an official SIGGRAPH17 or ECCV16 PyTorch checkpoint",
        description=(
            "Validate one of the authors' PyTorch checkpoints (" + ", ".join(OFFICIAL_FILES) + "), "
            "map it onto our 'full' configuration and write it in our format. Loaded with "
            "weights_only=True: no code in the file is run."
        ),
    )
    importing.add_argument("path", type=Path, metavar="PATH.pth")
    importing.add_argument(
        "--name",
        help="name of the imported weights (default: the file's stem); letters, "
        "digits, '.', '_', '-', '+'; it may not hide a bundled network of another family",
    )
    importing.add_argument(
        "--models-dir", type=Path, default=None, help=f"where to write (default: {user_models_dir()})"
    )
    importing.add_argument(
        "--mask-offset",
        type=float,
        default=None,
        choices=(0.0, -0.5),
        help="SIGGRAPH17 only: 0 for the mask as 0/1, -0.5 for mask - 0.5 (default: by file)",
    )
    importing.set_defaults(run=run_import)


def load_checkpoint(path: Path) -> dict:
    """Read a .pth state dict without running code in it; refuse NaN or infinite values.

    Raises:
        WeightsError: missing, empty, not a checkpoint, holding code or objects other than
            tensors, not a state dict with text keys, or holding non-finite values.
    """
    if not path.is_file():
        raise WeightsError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise WeightsError(f"{path}: the file is empty")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise WeightsError(
            f"{path}: refused: the file holds code or objects other than tensors, and "
            "loading it could run that code (only plain state dicts are imported)"
        ) from None
    except (RuntimeError, zipfile.BadZipFile, EOFError, OSError, ValueError, MemoryError) as err:
        reason = str(err).strip().splitlines()[0][:160] if str(err).strip() else "the file is cut short or damaged"
        raise WeightsError(f"{path}: not a PyTorch checkpoint ({reason})") from None
    if isinstance(data, dict) and isinstance(data.get("state_dict"), dict):
        data = data["state_dict"]
    if not isinstance(data, dict) or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise WeightsError(f"{path}: expected a state dict of tensors")
    if not all(isinstance(k, str) for k in data):
        raise WeightsError(f"{path}: expected a state dict with text keys (layer names), found other keys")
    check_finite(data, str(path))
    return data


def run_import(args: argparse.Namespace) -> int:
    try:
        state = load_checkpoint(args.path)
        try:
            family, config, ours = convert_official(state, mask_offset=args.mask_offset)
        except ValueError as err:
            raise WeightsError(f"{args.path}: {err}") from None
        name = args.name or args.path.stem
        check_import_name(name, family)
        net = build_network(family, config)
        net.load_state_dict(ours)
        card = ModelCard(
            name=name,
            family=family,
            config=config,
            trained=True,
            description=f"the authors' {family} network, imported",
            bins="529-bin grid" if family == "hints" else "313 bins of the authors' ECCV16 release",
            source=f"imported from {args.path.name}",
        )
        written = save_weights(net, card, args.models_dir or user_models_dir())
    except USER_ERRORS as err:
        return fail(err)
    say(f"imported {args.path.name} as {name!r} ({family}): {written}")
    say(f"use it with: ideepcolor colorize IN -o OUT --backend {family} --weights {name}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    for path, card in installed_weights():
        if isinstance(card, ModelCard):
            rows.append(
                {
                    "name": card.name,
                    "family": card.family,
                    "trained": card.trained,
                    "metrics": card.metrics,
                    "path": str(path),
                }
            )
        else:
            rows.append({"name": path.stem, "error": shown(card), "path": str(path)})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        if "error" in row:
            say(f"{row['name']:<20} BROKEN   {row['error']}")
            continue
        state = "trained" if row["trained"] else "UNTRAINED (random init)"
        say(f"{row['name']:<20} {row['family']:<7} {state:<24} {summarise_metrics(row['metrics'])}  {row['path']}")
    return 0


def summarise_metrics(metrics: dict) -> str:
    """One line from a card's metrics: the val evaluation if there is one (--json has it all)."""
    evaluation = metrics.get("evaluation")
    if not evaluation:
        return "no evaluation"
    psnr = ", ".join(f"{n} hints {v:.2f}" for n, v in evaluation["psnr"].items())
    ratio = evaluation["colourfulness"] / max(evaluation["ground_truth_colourfulness"], 1e-6)
    return (
        f"val PSNR dB ({evaluation['images']} photos at {evaluation['size']}): {psnr}; "
        f"colourfulness {ratio:.0%} of ground truth"
    )
