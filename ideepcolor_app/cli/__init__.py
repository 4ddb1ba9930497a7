"""The `ideepcolor` command line."""

__all__: list[str] = []
