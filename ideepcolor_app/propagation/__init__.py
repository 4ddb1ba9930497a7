"""Edge-aware hint propagation: Levin et al.'s exact solve and its fast coarse-grid form."""

from ideepcolor_app.propagation.coarse import CoarsePropagator, Propagation
from ideepcolor_app.propagation.levin import LevinFactor, LevinSolver, affinity_matrix, levin_colorize

__all__ = [
    "CoarsePropagator",
    "LevinFactor",
    "LevinSolver",
    "Propagation",
    "affinity_matrix",
    "levin_colorize",
]
