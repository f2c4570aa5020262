"""What authors wrote: front matter, schemas, the content model and its loading, prices, text helpers,
scaffolds, UI strings, and the one "today".

Facts other stages need are exported here, so each has one home:
`MARKDOWN_SUFFIXES` / `is_markdown` (which files are pages), `CJK` (which characters
count one by one), `chapter_number` (how a chapter file is numbered).
"""

from toolkit.content.layout import MARKDOWN_SUFFIXES, chapter_number, is_markdown
from toolkit.content.text import CJK

__all__ = ["CJK", "MARKDOWN_SUFFIXES", "chapter_number", "is_markdown"]
