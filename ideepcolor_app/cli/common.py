"""Options and error reporting shared by the sub-commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ideepcolor_app.engine.backends import BACKENDS, DEFAULT_BACKEND, Backend, create_backend
from ideepcolor_app.engine.batch import EXPECTED_ERRORS
from ideepcolor_app.engine.session import DEFAULT_TEMPERATURE, DEFAULT_WORKING_SIZE

# Errors that are the user's input, reported as one line without a traceback.
USER_ERRORS = EXPECTED_ERRORS


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend", default=DEFAULT_BACKEND, choices=sorted(BACKENDS),
        help=f"how to colourize (default: {DEFAULT_BACKEND})",
    )
    parser.add_argument("--weights", metavar="NAME", help="checkpoint name or .safetensors path (default: the backend's own)")
    parser.add_argument(
        "--size", type=int, default=DEFAULT_WORKING_SIZE, metavar="N",
        help=f"working resolution: the network sees an N x N image (default: {DEFAULT_WORKING_SIZE})",
    )
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")


def add_temperature_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--temperature", type=positive_float, default=DEFAULT_TEMPERATURE, metavar="T",
        help=f"annealed-mean temperature of the zhang backend, > 0 (default: {DEFAULT_TEMPERATURE})",
    )


def open_backend(args: argparse.Namespace) -> Backend:
    backend = create_backend(args.backend, weights=args.weights, device=args.device)
    if not backend.trained:
        warn(
            f"the {backend.name!r} backend is running on UNTRAINED weights (deterministic random "
            "initialisation): its colours are not a real colourization"
        )
    return backend


def warn(message: str) -> None:
    print(f"ideepcolor: warning: {message}", file=sys.stderr)


def fail(message: object) -> int:
    print(f"ideepcolor: error: {message}", file=sys.stderr)
    return 1


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
    return value


def existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path
