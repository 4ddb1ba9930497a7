"""Export a run's last checkpoint as a network and card (the loop exports only its best val step).

    python -m training.export_last runs/hints --out runs/hints_last

Selecting on val favours our corpus; the last step is the other candidate to score on the
held-out sources before shipping.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.engine.weights import read_card
from training.config import config_from_dict
from training.loop import CHECKPOINT, export, load_checkpoint, record_run_length
from training.trainers import create_trainer


def export_last(run: Path, out: Path) -> Path:
    cfg = config_from_dict(json.loads((run / "config.json").read_text(encoding="utf-8")), str(run))
    device = torch.device("cpu")
    trainer = create_trainer(cfg, device, False, None)
    state = load_checkpoint(run / CHECKPOINT, trainer)
    state.best_metrics = None
    weights = export(trainer, state, out, device)
    record_run_length(weights, state)
    card = read_card(weights)  # `export` names the device it runs on, not the one that trained
    card.description += " Exported from the run's last checkpoint by `training.export_last` (on the CPU)."
    atomic_write_bytes(weights.with_suffix(".json"), card.to_json().encode())
    return weights


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a run folder with checkpoint.pt and config.json")
    parser.add_argument("--out", type=Path, required=True, help="folder for the exported network")
    args = parser.parse_args(argv)
    if not (args.run / CHECKPOINT).is_file():
        parser.error(f"{args.run}: no {CHECKPOINT} (is it a run folder?)")
    print(export_last(args.run, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
