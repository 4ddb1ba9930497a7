"""Make anything echoed to the terminal safe: one line, short, no control codes, any encoding.

User files can hold anything: a 200 MB JSON key, an ESC sequence that clears the screen, a
file name that is not UTF-8. Every message the command line prints goes through `shown`.
"""

from __future__ import annotations

import sys
from typing import TextIO

MAX_CHARS = 400


def shown(value: object, limit: int = MAX_CHARS) -> str:
    """Return `value` as printable text: control characters and undecodable bytes escaped, cut to `limit`.

    Example:
        >>> shown("bad\\x1b[2Jkey")
        'bad\\\\x1b[2Jkey'
    """
    text = str(value)
    cut = len(text) > limit
    text = text[:limit]
    out = []
    for char in text:
        code = ord(char)
        if char == "\t" or (code >= 0x20 and code != 0x7F and not 0x80 <= code < 0xA0 and not 0xD800 <= code < 0xE000):
            out.append(char)
        elif 0xDC80 <= code < 0xDD00:  # a byte of a non-UTF-8 file name (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    text = "".join(out)
    if cut:
        text += f"... ({len(str(value)) - limit} more characters)"
    return text


def say(message: object, stream: TextIO | None = None) -> None:
    """Print one safe line, in whatever encoding the stream has (unencodable characters escaped)."""
    stream = stream if stream is not None else sys.stdout
    line = shown(message)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        line.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        line = line.encode(encoding, errors="backslashreplace").decode(encoding, errors="replace")
    print(line, file=stream)


def warn(message: object) -> None:
    """Print "ideepcolor: warning: ..." on stderr, made safe."""
    say(f"ideepcolor: warning: {message}", sys.stderr)


def fail(message: object) -> int:
    """Print "ideepcolor: error: ..." on stderr, made safe; return exit status 1."""
    say(f"ideepcolor: error: {message}", sys.stderr)
    return 1
