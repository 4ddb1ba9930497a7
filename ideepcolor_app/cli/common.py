"""Options and error reporting shared by the sub-commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from ideepcolor_app.cli.text import fail, shown, warn  # noqa: F401 - fail and warn are used by the commands
from ideepcolor_app.engine.backends import BACKENDS, DEFAULT_BACKEND, Backend, create_backend
from ideepcolor_app.engine.batch import EXPECTED_ERRORS
from ideepcolor_app.engine.device import configure_threads
from ideepcolor_app.engine.export import MAX_TEMPERATURE, MAX_WORKING_SIZE, MIN_TEMPERATURE
from ideepcolor_app.engine.session import DEFAULT_TEMPERATURE, DEFAULT_WORKING_SIZE
from ideepcolor_app.engine.weights import check_backend_family, find_weights, read_card

# Errors that are the user's input, reported as one line without a traceback.
USER_ERRORS = EXPECTED_ERRORS


def add_backend_options(
    parser: argparse.ArgumentParser, default: str | None = DEFAULT_BACKEND, default_help: str = DEFAULT_BACKEND
) -> None:
    parser.add_argument(
        "--backend",
        default=default,
        choices=sorted(BACKENDS),
        help=f"how to colourize (default: {default_help})",
    )
    parser.add_argument(
        "--weights", metavar="NAME", help="checkpoint name or .safetensors path (default: the backend's own)"
    )
    parser.add_argument(
        "--size",
        type=working_size,
        default=DEFAULT_WORKING_SIZE,
        metavar="N",
        help=f"working resolution: the network sees an N x N image, 1-{MAX_WORKING_SIZE} "
        f"(default: {DEFAULT_WORKING_SIZE})",
    )
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda or mps")


def add_temperature_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--temperature",
        type=temperature,
        default=DEFAULT_TEMPERATURE,
        metavar="T",
        help=f"annealed-mean temperature of the zhang backend, {MIN_TEMPERATURE}-{MAX_TEMPERATURE:g} "
        f"(default: {DEFAULT_TEMPERATURE})",
    )


def add_quality_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quality",
        type=quality,
        default=95,
        metavar="Q",
        help="JPEG and WebP quality 1-100; WebP at 100 is lossless (default: 95)",
    )


def open_backend(args: argparse.Namespace) -> Backend:
    """Check the weights fit the backend, set the thread count, and open the backend."""
    configure_threads()
    return open_named_backend(args.backend, args.weights, args.device)


def open_named_backend(backend: str, weights: str | None = None, device: str | None = None) -> Backend:
    """Check the weights fit backend `backend` and open it; warn if its weights are untrained."""
    name = weights or getattr(BACKENDS.get(backend), "default_weights", None)
    if name is not None:  # also catches a user file that shadows the bundled default
        path = find_weights(name)
        check_backend_family(backend, read_card(path), str(path))
    opened = create_backend(backend, weights=weights, device=device)
    if not opened.trained:
        warn(
            f"the {opened.name!r} backend is running on UNTRAINED weights (deterministic random "
            "initialisation): its colours are not a real colourization"
        )
    return opened


def bounded_int(low: int, high: int | None = None):
    """An argparse type: an integer from `low` to `high` (no upper bound when None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {shown(text, 40)}") from None
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {span}, got {value}")
        return value

    return parse


positive_int = bounded_int(1)
working_size = bounded_int(1, MAX_WORKING_SIZE)
quality = bounded_int(1, 100)


def temperature(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {shown(text, 40)}") from None
    if not MIN_TEMPERATURE <= value <= MAX_TEMPERATURE:
        raise argparse.ArgumentTypeError(
            f"must be from {MIN_TEMPERATURE} to {MAX_TEMPERATURE:g}, got {shown(text, 40)}"
        )
    return value


def existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {shown(text)}")
    return path
