"""The held-out figures of the app's automatic options, stored in their model cards.

``training.evaluate --backends zhang gan fusion hints --sources <set> --update-cards`` scores
each option as `ideepcolor batch` runs it (coherent colour on, no points) and stores its figure
in the card of the backend's default weights, named by the set it was measured on
(`training/held_out.py`):

* `NEW_HELD_OUT` -> ``metrics["new_held_out"]``: nothing was trained or tuned on these sources,
  so this is what the batch default is picked by (`ideepcolor_app.engine.backend_choice`);
* `FIRST_HELD_OUT` -> ``metrics["first_held_out_validation"]``: these sources chose the
  automatic networks' calibration margin, so they are validation now. A network's own no-point
  PSNR there (``--weights``) is ``metrics["first_held_out_validation_psnr"]``.

Figures on any other photos (val, other sources) have no name here and are not stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.engine.backend_choice import HELD_OUT_METRIC
from ideepcolor_app.engine.backends import BACKENDS
from ideepcolor_app.engine.weights import find_weights, read_card
from training.held_out import FIRST_HELD_OUT, NEW_HELD_OUT

logger = logging.getLogger(__name__)

#: The card figure of a backend as shipped, by the sources it was measured on.
FIGURE_KEYS = {frozenset(NEW_HELD_OUT): HELD_OUT_METRIC, frozenset(FIRST_HELD_OUT): "first_held_out_validation"}
#: A network's no-point PSNR (dB) on `FIRST_HELD_OUT`, written by ``--weights ... --update-cards``.
FIRST_HELD_OUT_PSNR = "first_held_out_validation_psnr"
#: Scores of `training.evaluate` copied into the figure as they are.
_COPIED = (
    "colourfulness",
    "false_colour",
    "border_stripes",
    "ab_error",
    "blotch",
    "incoherent_chroma",
    "face_error",
    "faces",
    "old_print",
)


def figure_key(sources: Sequence[str]) -> str | None:
    """The card name of a figure measured on `sources`, or None for a set that has none."""
    return FIGURE_KEYS.get(frozenset(sources))


def backend_figure(results: dict[str, Any], name: str) -> dict[str, Any]:
    """The card figure of backend `name` from `training.evaluate`'s results.

    PSNR (dB) at no points beside grey's on the same photos, colourfulness as a share of the
    photos' own, false colour as a share of pixels, and the other scores as evaluated.

    Raises:
        ValueError: `name` was not scored as a backend, or not with its coherent colour on.
    """
    method = results["methods"].get(name)
    if method is None or method.get("kind") != "backend":
        raise ValueError(f"{name!r} was not scored as a backend (training.evaluate --backends {name})")
    if not method.get("coherence"):
        raise ValueError(
            f"{name!r} was scored without its coherent colour; its card figure is as shipped (--coherence on)"
        )
    truth = results["ground_truth_colourfulness"]
    return {
        "sources": list(results["sources"]),
        "photos": results["images"],
        "size": results["size"],
        "points": 0,
        "coherence": True,
        "psnr": method["psnr"]["0"],
        "grey_psnr": results["methods"]["grey"]["psnr"]["0"],
        "colourfulness_ratio": round(method["colourfulness"] / max(truth, 1e-6), 3),
        "ground_truth_colourfulness": truth,
        **{key: method[key] for key in _COPIED if key in method},
    }


def update_backend_cards(backends: Sequence[str], results: dict[str, Any]) -> list[Path]:
    """Store each backend's figure in the card of its default weights; returns the cards written.

    Nothing is written for photos that are not one of the held-out sets (a warning says so).
    """
    key = figure_key(results["sources"])
    if key is None:
        if backends:
            logger.warning(
                "backend figures are stored only for the held-out sources of training/held_out.py; cards unchanged"
            )
        return []
    figures = {name: backend_figure(results, name) for name in backends}  # all checked before any write
    written = []
    for name, figure in figures.items():
        path = find_weights(getattr(BACKENDS[name], "default_weights", name))
        card = read_card(path)
        card.metrics[key] = figure
        atomic_write_bytes(path.with_suffix(".json"), card.to_json().encode())
        written.append(path.with_suffix(".json"))
    return written


def store_network_held_out_psnr(metrics: dict[str, Any], sources: Sequence[str], psnr: float) -> None:
    """Keep a network's no-point PSNR on `FIRST_HELD_OUT` under its validation name."""
    if frozenset(sources) == frozenset(FIRST_HELD_OUT):
        metrics[FIRST_HELD_OUT_PSNR] = psnr
