"""Writing a file so that a reader never sees half of it.

`write_atomic` writes to a temporary file in the target's own folder (so the final rename stays on one file
system), flushes it to disk, then renames it over the target with os.replace, which is atomic on POSIX and
Windows. A crash or Ctrl-C at any point leaves either the previous file or the new one, and the temporary
file is removed on failure. Every module that saves state (progress, grades, reports) goes through here.
"""

import os
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644   # what write_text gives under the usual umask; mkstemp alone would give 0o600


def write_atomic(path, text: str, encoding: str = "utf-8") -> Path:
    """Replace the file at `path` with `text` in one step, creating its folder if needed.

    Line endings are written as given (no translation), so CSV and JSON look the same on every system.
    A file that already exists keeps its permissions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:     # also KeyboardInterrupt: an interrupted kernel must not leave litter
        Path(temp).unlink(missing_ok=True)
        raise
    return path
