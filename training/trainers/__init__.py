"""Training methods by name; importing this package registers every built-in one."""

from training.trainers import gan, hints, propagated_hints, regression, zhang  # noqa: F401 - registers them
from training.trainers.base import Trainer, build_model, create_trainer, register_trainer

__all__ = ["Trainer", "build_model", "create_trainer", "register_trainer"]
