"""Include directives on public pages must not pull in paid files.

pymdownx.snippets (`--8<--`, any base_path, auto_append), mkdocs-include-markdown
(`{% include-markdown %}`, `{% include %}`) and mkdocs-macros (`{% include %}`,
`{% import %}`) read files at render time, bypassing the public tree. Each directive's
path is resolved against every folder those tools look in; naming a paid file (or a
section or line range of one) is an error naming both files, however short the text.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import FolioError

_SNIPPET_INLINE = re.compile(r"""^[ \t]*;?-{1,}8<-{1,}[ \t]+(["'])(.+?)\1""", re.M)
_SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*\n(.*?)^[ \t]*-{1,}8<-{1,}[ \t]*$", re.M | re.S)
_JINJA = re.compile(r"""\{%-?\s*(?:include-markdown|include|import|from|extends)\s+(["'])(.+?)\1""")


@dataclass(frozen=True)
class Include:
    target: str
    line: int


def directives(markdown: str) -> list[Include]:
    found = []
    for pattern in (_SNIPPET_INLINE, _JINJA):
        for match in pattern.finditer(markdown):
            found.append(Include(match.group(2), markdown.count("\n", 0, match.start()) + 1))
    for match in _SNIPPET_BLOCK.finditer(markdown):
        first = markdown.count("\n", 0, match.start()) + 2
        for offset, line in enumerate(match.group(1).splitlines()):
            if line.strip() and not line.lstrip().startswith(";"):
                found.append(Include(line.strip(), first + offset))
    return found


def _path_part(target: str) -> str:
    """`file.md:section`, `file.md:3:9` and `file.md:3:9,12:15` name file.md."""
    if "://" in target:
        return ""
    head = re.sub(r"(:[^/\\:]*)+$", "", target) if ":" in target else target
    return head or target


class IncludeCheck:
    def __init__(self, paid_files: dict[str, str], bases: list[Path], shown):
        # realpath of a paid file -> how to name it; folders relative targets are tried in
        self.paid = paid_files
        self.bases = [Path(b) for b in bases]
        self.shown = shown

    def problems(self, page_src: str, page_dir_bases: list[Path], markdown: str) -> list[str]:
        out = []
        for include in directives(markdown):
            path = _path_part(include.target)
            if not path:
                continue
            hit = self._paid_target(path, page_dir_bases)
            if hit:
                out.append(
                    f"{self.shown(page_src)}:{include.line}: includes {hit} (`{include.target}`), which is paid; "
                    "a public page may not include any part of a paid file. Move the shared text into a "
                    "file outside the paid course and include that."
                )
        return out

    def _paid_target(self, target: str, page_dir_bases: list[Path]) -> str | None:
        for base in [*page_dir_bases, *self.bases]:
            pattern = os.path.join(base, target.lstrip("/")) if not os.path.isabs(target) else target
            candidates = glob.glob(pattern, recursive=True) if glob.has_magic(pattern) else [pattern]
            for candidate in candidates:
                real = os.path.realpath(candidate)
                if real in self.paid:
                    return self.paid[real]
        return None


def raise_if_any(problems: list[str]) -> None:
    if problems:
        raise FolioError("\n".join(problems))
