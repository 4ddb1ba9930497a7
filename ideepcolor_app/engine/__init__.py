"""Inference engine: weights, backends, sessions, composition. No Qt in here."""

from ideepcolor_app.engine.backends import BACKENDS, DEFAULT_BACKEND, Backend, Distribution, create_backend
from ideepcolor_app.engine.compose import compose_rgb, upsample_ab
from ideepcolor_app.engine.export import colorize_file
from ideepcolor_app.engine.palette import Suggestion, suggested_colours
from ideepcolor_app.engine.session import ColorizeSession, HintsMismatchError
from ideepcolor_app.engine.weights import ModelCard, WeightsError, load_weights, save_weights

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Backend",
    "ColorizeSession",
    "Distribution",
    "HintsMismatchError",
    "ModelCard",
    "Suggestion",
    "WeightsError",
    "colorize_file",
    "compose_rgb",
    "create_backend",
    "load_weights",
    "save_weights",
    "suggested_colours",
    "upsample_ab",
]
