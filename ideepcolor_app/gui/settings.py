"""What the app remembers between runs (QSettings): folders, backend, layout, recent files and
colours, the before/after view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ORGANIZATION = "ideepcolor"
APPLICATION = "ideepcolor-app"
MAX_RECENT = 8


def default_settings() -> QSettings:
    """The user's settings (native format). Tests pass their own IniFormat QSettings instead."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def default_recovery_folder() -> Path:
    """Where the recovery copy of unsaved hints lives (the user's app data folder)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".local" / "share" / APPLICATION) / "recovery"


class QtAppSettings:
    """Typed access to the keys the app stores."""

    def __init__(self, settings: QSettings) -> None:
        self.qsettings = settings

    def folder(self, kind: str) -> str:
        """The last folder used for `kind` ("photo", "hints", "save", "reference"), or ""."""
        return str(self.qsettings.value(f"folders/{kind}", "") or "")

    def set_folder(self, kind: str, path: Path) -> None:
        folder = path if path.is_dir() else path.parent
        self.qsettings.setValue(f"folders/{kind}", str(folder))

    def backend(self, default: str) -> str:
        return str(self.qsettings.value("render/backend", default) or default)

    def set_backend(self, name: str) -> None:
        self.qsettings.setValue("render/backend", name)

    def recent_files(self) -> list[str]:
        value = self.qsettings.value("recent/files", [])
        if isinstance(value, str):  # QSettings gives a str for a one-item list in IniFormat
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent_file(self, path: Path) -> list[str]:
        text = str(Path(path).resolve())
        files = [text] + [f for f in self.recent_files() if f != text]
        files = files[:MAX_RECENT]
        self.qsettings.setValue("recent/files", files)
        return files

    def remove_recent_file(self, path: str) -> None:
        self.qsettings.setValue("recent/files", [f for f in self.recent_files() if f != path])

    def recent_colours(self) -> list[tuple[float, float]]:
        """The Colour panel's recent colours of the last run (CIELAB ab), most recent first."""
        value = self.qsettings.value("colour/recent", "")
        colours = []
        for pair in str(value or "").split(";"):
            try:
                a, b = (float(v) for v in pair.split(","))
            except ValueError:  # empty or edited by hand: skipped
                continue
            if abs(a) <= 128 and abs(b) <= 128:
                colours.append((a, b))
        return colours

    def set_recent_colours(self, colours: list[tuple[float, float]]) -> None:
        self.qsettings.setValue("colour/recent", ";".join(f"{a:.2f},{b:.2f}" for a, b in colours))

    def geometry(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.qsettings.value("window/geometry"), self.qsettings.value("window/state")

    def set_geometry(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    def sync(self) -> None:
        self.qsettings.sync()
