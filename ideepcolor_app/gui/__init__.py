"""The desktop app: PySide6 and pyqtgraph widgets over the engine (no colour maths here)."""

__all__: list[str] = []
