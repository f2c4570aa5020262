"""One build at a time per site folder: two builds would empty each other's public tree and gated/."""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import FolioError

LOCK_NAME = "build.lock"


class BuildLock:
    """An exclusive lock on `<cache>/build.lock`, held from on_config to the end of the build.

    The operating system drops the lock when the holder exits, however it exits,
    so a killed build never leaves a stale lock behind.
    """

    def __init__(self, cache_dir: Path):
        self.path = Path(cache_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> "BuildLock":
        """Take the lock now, or raise FolioError saying another build holds it."""
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise FolioError(
                f"Another build of this site is running (process {holder}); it holds {self.path}. "
                "Wait for it to finish (or stop it), then build again."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
