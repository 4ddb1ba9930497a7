"""Write deterministic, UNTRAINED checkpoints for every network backend.

They let the whole application run end to end before real training lands; their model cards
say `"trained": false`, and the command line and GUI warn whenever they are used.

    python -m training.init_weights [--models-dir models]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR, ModelCard, save_weights
from ideepcolor_app.nets import build_network, preset_config

SEED = 0
UNTRAINED_NOTE = (
    "UNTRAINED: deterministic random initialisation (torch.manual_seed({seed})) so that the "
    "application runs end to end; its colours mean nothing until trained weights replace it."
)


def write_untrained(family: str, folder: Path) -> Path:
    torch.manual_seed(SEED)
    config = preset_config(family, "compact")
    net = build_network(family, config).eval()
    card = ModelCard(
        name=family, family=family, config=config, trained=False,
        description=UNTRAINED_NOTE.format(seed=SEED), init_seed=SEED,
    )
    return save_weights(net, card, folder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=BUNDLED_MODELS_DIR)
    args = parser.parse_args(argv)
    for family in ("hints", "zhang", "gan", "fusion"):
        path = write_untrained(family, args.models_dir)
        print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
