"""The public tree: the only folder MkDocs (or any builder reading mkdocs.yml) ever sees.

Folio writes it from an allow-list before MkDocs collects files. The tree is a
snapshot: no file in it shares storage with a source (each is a copy, or a reflink
where the file system has them, which shares blocks only until either side is
written), so an edit of a source in place (`cat >`, most editors) never changes the
tree: only the next Folio build does. Writes are incremental so `mkdocs serve`,
which watches it, settles after one rebuild: a page is rewritten only when its bytes
change, an asset only when its size or modification time does. Every write goes to a
temporary name and replaces the old file. A state file records what
Folio wrote; a file Folio did not write makes the build stop, because MkDocs
would publish it unclassified.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from toolkit.errors import FolioError

STATE = ".folio-tree.json"
# The committed page a builder without Folio shows (excluded from Folio's own builds).
PLACEHOLDER = "README.md"
PLACEHOLDER_TEXT = """\
# This site is built with Folio

The pages live in `{content}/`. Build the site with `folio build` (or `mkdocs build`
with the `folio` plugin installed), which writes this folder from them.
"""


class PublicTree:
    def __init__(self, root: Path, content_dir: Path, config_name: str = "mkdocs.yml"):
        self.root = Path(root)
        self.content_dir = Path(content_dir)
        self.config_name = config_name
        self.state_file = self.root / STATE
        self.written = 0

    def _state(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return {"pages": list(data.get("pages", [])), "assets": list(data.get("assets", []))}
        except (OSError, ValueError, AttributeError):
            return {"pages": [], "assets": []}

    def _save(self, state: dict[str, list[str]]) -> None:
        _replace_bytes(self.state_file, json.dumps({k: sorted(v) for k, v in state.items()}, indent=1).encode())

    def check_foreign_files(self) -> None:
        """Stop when the tree holds a file Folio did not write: MkDocs would publish it unread."""
        state = self._state()
        known = set(state["pages"]) | set(state["assets"]) | {PLACEHOLDER, STATE}
        foreign = []
        for path in self.root.rglob("*"):
            rel = path.relative_to(self.root).as_posix()
            if path.is_file() and rel not in known and not any(p.startswith(".") for p in rel.split("/")):
                foreign.append(rel)
        if foreign:
            shown = ", ".join(sorted(foreign)[:5]) + (" …" if len(foreign) > 5 else "")
            raise FolioError(
                f"{self.config_name}: docs_dir {self.root} holds files Folio did not write ({shown}). "
                f"docs_dir is the public tree Folio generates from {self.content_dir}: move these files "
                "into the content folder (plugins.folio.content_dir) or delete them."
            )

    def ensure_placeholder(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        placeholder = self.root / PLACEHOLDER
        if not placeholder.exists():
            placeholder.write_text(PLACEHOLDER_TEXT.format(content=self.content_dir.name), encoding="utf-8")

    def write_pages(self, texts: dict[str, bytes], links: dict[str, Path]) -> None:
        """Make the tree's pages exactly `texts` (written) and `links` (copies of sources)."""
        state = self._state()
        for rel, data in texts.items():
            self._put_bytes(rel, data)
        for rel, source in links.items():
            self._put_bytes(rel, Path(source).read_bytes())
        wanted = set(texts) | set(links)
        self._remove(set(state["pages"]) - wanted)
        state["pages"] = sorted(wanted)
        self._save(state)

    def write_assets(self, links: dict[str, Path]) -> None:
        """Make the tree's assets exactly `links` (copies of the sources, reflinked where possible)."""
        state = self._state()
        for rel, source in links.items():
            self._put_copy(rel, source)
        self._remove(set(state["assets"]) - set(links) - set(state["pages"]))
        state["assets"] = sorted(links)
        self._save(state)

    def _put_bytes(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        try:
            if not path.is_symlink() and path.stat().st_nlink == 1 and path.read_bytes() == data:
                return
        except OSError:
            pass
        _replace_bytes(path, data)
        self.written += 1

    def _put_copy(self, rel: str, source: Path) -> None:
        path = self.root / rel
        try:
            have, want = path.lstat(), os.stat(source)
            if (not path.is_symlink() and have.st_nlink == 1 and not os.path.samefile(path, source)
                    and have.st_size == want.st_size and have.st_mtime_ns == want.st_mtime_ns):
                return
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.folio-tmp")
        temporary.unlink(missing_ok=True)
        _copy(Path(source), temporary)
        os.replace(temporary, path)
        self.written += 1

    def _remove(self, stale: set[str]) -> None:
        for rel in stale:
            if rel in (PLACEHOLDER, STATE):
                continue
            path = self.root / rel
            path.unlink(missing_ok=True)
            parent = path.parent
            while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent


_FICLONE = 0x40049409  # Linux: share the source's blocks copy-on-write (Btrfs, XFS)


def _copy(source: Path, target: Path) -> None:
    """A copy of `source` (a reflink where the file system has them), with its times."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        try:
            import fcntl

            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        except (ImportError, OSError):
            shutil.copyfileobj(src, dst, 1024 * 1024)
    shutil.copystat(source, target)


def _replace_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.folio-tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
