"""Who a name and email really are: `.mailmap` for trailers, bot patterns, profile slugs.

git applies .mailmap to the author (`%aN`/`%aE`) but not to trailer values,
so `Co-authored-by:` and `Reviewed-by:` people go through `Mailmap.resolve`,
which follows the same four line forms as git.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

from markdown.extensions.toc import slugify_unicode

CONTACT = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]*)>)?\s*$")
MAILMAP_EMAIL = re.compile(r"<([^>]*)>")


class Contact(NamedTuple):
    name: str
    email: str


def parse_contact(text: str) -> Contact:
    """Return the name and email of a `Name <email>` trailer value (email may be empty)."""
    match = CONTACT.match(text)
    if not match:  # something odd like "a <b> c": keep it all as the name
        return Contact(text.strip(), "")
    return Contact(match["name"], (match["email"] or "").strip())


def identity_key(name: str, email: str) -> str:
    """Return the key that makes two commits the same person: the email, else the name."""
    return email.lower() if email else f"name:{name.casefold()}"


class Mailmap:
    """The repository's .mailmap: (commit email, commit name or None) -> (proper name, proper email)."""

    def __init__(self, text: str = ""):
        self.text = text
        self.entries: dict[tuple[str, str | None], tuple[str | None, str | None]] = {}
        for line in text.splitlines():
            self._add_line(line)

    @classmethod
    def from_repo(cls, top: Path) -> Mailmap:
        path = Path(top) / ".mailmap"
        return cls(path.read_text(encoding="utf-8", errors="replace") if path.is_file() else "")

    def _add_line(self, line: str) -> None:
        if line.lstrip().startswith("#"):
            return
        emails = MAILMAP_EMAIL.findall(line)
        pieces = [piece.strip() or None for piece in MAILMAP_EMAIL.split(line)[0::2]]
        if len(emails) == 1:  # Proper Name <commit@email>
            self.entries[(emails[0].lower(), None)] = (pieces[0], None)
        elif len(emails) >= 2:  # [Proper Name] <proper@email> [Commit Name] <commit@email>
            commit_name = pieces[1].casefold() if pieces[1] else None
            self.entries[(emails[1].lower(), commit_name)] = (pieces[0], emails[0])

    def resolve(self, contact: Contact) -> Contact:
        """Return the canonical name and email for `contact`."""
        email = contact.email.lower()
        found = self.entries.get((email, contact.name.casefold())) or self.entries.get((email, None))
        if not found:
            return contact
        return Contact(found[0] or contact.name, found[1] or contact.email)


class BotFilter:
    """Says whether a person is a bot, by case-insensitive substrings of `Name <email>`."""

    def __init__(self, patterns: list[str]):
        self.patterns = [pattern.lower() for pattern in patterns]

    def is_bot(self, name: str, email: str) -> bool:
        text = f"{name} <{email}>".lower()
        return any(pattern in text for pattern in self.patterns)


RESERVED_SLUGS = frozenset({"index"})  # people/index.md lists everyone
SLUG_LENGTH = 60


def profile_slugs(people: dict[str, str]) -> dict[str, str]:
    """Return identity key -> a readable, unique slug for the profile page's URL.

    Letters of every script are kept (Python-Markdown's unicode slugify):
    `Zoë Ångström` -> `zoë-ångström`, `李雷` -> `李雷`. A name with no letters
    or digits, or two people whose names give the same slug, get a short hash
    of their identity key appended, so every URL stays stable and distinct.
    """
    plain = {key: readable_slug(name) for key, name in people.items()}
    counts: dict[str, int] = {}
    for slug in plain.values():
        counts[slug] = counts.get(slug, 0) + 1
    slugs = {}
    for key, slug in plain.items():
        if counts[slug] > 1 or slug in RESERVED_SLUGS or slug == "contributor":
            slug = f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"
        slugs[key] = slug
    return slugs


def readable_slug(name: str) -> str:
    """Return `name` as a lowercase URL slug that keeps its letters (NFC, so é is one character)."""
    slug = slugify_unicode(unicodedata.normalize("NFC", name), "-")
    return slug[:SLUG_LENGTH].strip("-_") or "contributor"
