"""The one family of errors a user can cause, and how they are reported.

Every expected failure (a content mistake, a bad setting, an unreachable
bucket) is a ``FolioError``. It derives from MkDocs' ``PluginError``, so MkDocs
understands it everywhere: `mkdocs build` prints its message and aborts,
`mkdocs serve` / `folio serve` print it and keep serving. ``PluginError`` is a
``click.ClickException`` too, so a `folio` command prints the message and exits 1,
with no traceback. Content problems carry a location so the message can name the
file, the key and the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.exceptions import PluginError


class FolioError(PluginError):
    """An expected failure: printed as one clear message, exit status 1."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message

    def __reduce__(self):
        # Rebuilt from its message alone, so it crosses a process boundary whatever the subclass takes.
        return (FolioError, (self.message,))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as `file:line: key: message`."""

    path: str
    line: int
    key: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        key = f"{self.key}: " if self.key else ""
        label = " (warning)" if self.severity == "warning" else ""
        return f"{where}: {key}{self.message}{label}"


class ContentError(FolioError):
    """Raised with every content problem found, so authors fix them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = sum(1 for p in self.problems if p.severity == "error")
        lines = [str(p) for p in self.problems]
        summary = ("1 error in the content; fix it and build again." if count == 1
                   else f"{count} errors in the content; fix them and build again.")
        super().__init__("\n".join(lines + [summary]))


class ConfigError(FolioError):
    """mkdocs.yml is wrong: one `mkdocs.yml:LINE: key.path: what is wrong; what to write` line per problem."""

    def __init__(self, lines: list[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))
