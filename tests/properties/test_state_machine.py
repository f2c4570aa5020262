"""P5: after any sequence of edits and incremental builds, P1 holds for the current content,
also for a builder without the plugin (see docs/security/properties.md).

One site lives for a whole run; rules edit its content the way authors do (a chapter turned
paid or free by writing the file in place, renamed, deleted, added, its text rewritten) and
each is followed by an incremental Folio build into the same folders, then by a build without
the plugin. Canaries of what is locked *now* must be in no public output except the teaser
the page itself shows.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tests.properties import checks, scanner
from tests.properties.settings import machine, note_example
from tests.properties.sitegen import Canaries, PageSpec, SiteSpec, blocks, page_text, write


class EditsAndBuilds(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="folio-p5-"))
        self.root = self.folder / "site-root"
        self.chapters: dict[str, PageSpec] = {}
        self.canaries = Canaries()
        self.builds = 0
        self.config: Path | None = None

    def teardown(self):
        try:
            with note_example(f"P5 (edits, then {self.builds + 1} builds)"):
                if self.chapters:
                    self.build()  # every run ends with a build of its last edits, checked
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- the content ------------------------------------------------------------------------

    def _write(self, page: PageSpec) -> None:
        """Write a chapter in place (same file, new bytes), as `cat >` and most editors do."""
        path = self.root / "content" / page.name
        text = page_text(page, self.canaries, ())
        if path.exists():
            with open(path, "r+", encoding="utf-8") as handle:
                handle.seek(0)
                handle.write(text)
                handle.truncate()
        else:
            path.write_text(text, encoding="utf-8")
        self.chapters[page.name] = page

    def _locked_now(self) -> dict[str, str]:
        """Canaries of what is locked in the current content (older versions' canaries are gone)."""
        current = {}
        for canary, where in self.canaries.locked.items():
            page = self.chapters.get(where)
            if page is not None and page.locked and canary in (self.root / "content" / where).read_text(encoding="utf-8"):
                current[canary] = where
        return current

    @rule(body=st.lists(blocks(), min_size=1, max_size=4), paid=st.booleans())
    def add_chapter(self, body, paid):
        if self.config is None:
            self.config, _ = write(self.root, SiteSpec(pages=(), teaser_words=40))
        name = f"courses/c/{len(self.chapters) + 10:02d}-ch{len(self.chapters)}.md"
        self._write(PageSpec(name, paid, tuple(body), None, True, False))

    @precondition(lambda self: self.chapters)
    @rule(data=st.data())
    def toggle_access(self, data):
        name = data.draw(st.sampled_from(sorted(self.chapters)))
        page = self.chapters[name]
        self._write(PageSpec(name, not page.locked, page.blocks, page.more_at, page.leading_blank, False))

    @precondition(lambda self: self.chapters)
    @rule(data=st.data(), body=st.lists(blocks(), min_size=1, max_size=4))
    def rewrite_text(self, data, body):
        name = data.draw(st.sampled_from(sorted(self.chapters)))
        page = self.chapters[name]
        self._write(PageSpec(name, page.locked, tuple(body), page.more_at, page.leading_blank, False))

    @precondition(lambda self: self.chapters)
    @rule(data=st.data())
    def rename(self, data):
        name = data.draw(st.sampled_from(sorted(self.chapters)))
        new = name.replace(".md", "-renamed.md")
        if new in self.chapters:
            return
        (self.root / "content" / name).rename(self.root / "content" / new)
        page = self.chapters.pop(name)
        self.chapters[new] = PageSpec(new, page.locked, page.blocks, page.more_at, page.leading_blank, False)
        for canary, where in list(self.canaries.locked.items()):
            if where == name:
                self.canaries.locked[canary] = new

    @precondition(lambda self: len(self.chapters) > 1)
    @rule(data=st.data())
    def delete(self, data):
        name = data.draw(st.sampled_from(sorted(self.chapters)))
        (self.root / "content" / name).unlink()
        del self.chapters[name]

    @precondition(lambda self: self.chapters)
    @rule()
    def build(self):
        error = checks.build(self.config)
        plain = checks.plain_build(self.config)
        assert error is None, f"incremental build failed: {error!r}"
        assert plain is None, f"a builder without Folio failed: {plain!r}"
        self.builds += 1
        self.check_p1()

    def check_p1(self):
        shown = []
        for name, page in self.chapters.items():
            for built in (self.root / "site", self.root / "site-plain"):
                html = checks.built_page(built, name)
                if page.locked and html.is_file():
                    shown.append(scanner.article(html)[1])
        shown_text = "\n".join(shown)
        locked = self._locked_now()
        folders = [self.root / "site", self.root / ".folio" / "public", self.root / "site-plain"]
        leaked = {c: files for c, files in scanner.canaries_in(folders, locked).items() if c not in shown_text}
        assert not leaked, f"locked canaries in public outputs after edits: {leaked}"

    @invariant()
    def tree_never_shares_storage_with_a_source(self):
        tree = self.root / ".folio" / "public"
        if not tree.is_dir():
            return
        sources = {(p.stat().st_dev, p.stat().st_ino) for p in (self.root / "content").rglob("*") if p.is_file()}
        shared = [p for p in tree.rglob("*") if p.is_file() and (p.stat().st_dev, p.stat().st_ino) in sources]
        assert not shared, f"public tree files sharing storage with sources: {shared}"


EditsAndBuilds.TestCase.settings = machine(in_suite=1, steps=6)
test_edits_and_incremental_builds_keep_p1 = EditsAndBuilds.TestCase
