"""User hints: the data model, the `*.hints.json` file format, rasterising to network inputs,
the simulated hints used for training and evaluation, colour strokes, and the damage-mask brush
strokes."""

from ideepcolor_app.hints.colour_strokes import ColourStroke
from ideepcolor_app.hints.damage_strokes import DAMAGE_MODES, DamageStroke, apply_damage_strokes
from ideepcolor_app.hints.fileformat import (
    FORMAT_VERSION,
    SUPPORTED_VERSIONS,
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
    "ColourStroke",
    "DAMAGE_MODES",
    "DEFAULT_NUM_BINS",
    "FORMAT_VERSION",
    "DamageStroke",
    "GlobalHints",
    "HintPoint",
    "HintTensors",
    "Hints",
    "HintsError",
    "HintsFileError",
    "SUPPORTED_VERSIONS",
    "apply_damage_strokes",
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
