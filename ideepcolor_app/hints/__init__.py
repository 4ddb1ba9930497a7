"""User hints: the data model, the `*.hints.json` file format, rasterising to network inputs
and the simulated hints used for training and evaluation."""

from ideepcolor_app.hints.fileformat import (
    FORMAT_VERSION,
    HintsFileError,
    dumps,
    hints_from_dict,
    hints_to_dict,
    load_hints,
    loads,
    save_hints,
)
from ideepcolor_app.hints.model import (
    DEFAULT_NUM_BINS,
    GlobalHints,
    HintPoint,
    Hints,
    HintsError,
)
from ideepcolor_app.hints.rasterize import (
    HintTensors,
    patch_bounds,
    point_to_working,
    rasterize_hints,
)
from ideepcolor_app.hints.simulate import simulate_hints, simulate_n_hints

__all__ = [
    "DEFAULT_NUM_BINS",
    "FORMAT_VERSION",
    "GlobalHints",
    "HintPoint",
    "HintTensors",
    "Hints",
    "HintsError",
    "HintsFileError",
    "dumps",
    "hints_from_dict",
    "hints_to_dict",
    "load_hints",
    "loads",
    "patch_bounds",
    "point_to_working",
    "rasterize_hints",
    "save_hints",
    "simulate_hints",
    "simulate_n_hints",
]
