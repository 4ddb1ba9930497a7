"""ideepcolor-app: user-guided colourization of grayscale photographs."""

__version__ = "0.1.0"

__all__ = ["__version__"]
