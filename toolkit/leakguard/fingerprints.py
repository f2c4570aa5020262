"""Fingerprints: the shingles of paid text, each mapped to the paid page it comes from.

Every paid remainder is cut into overlapping shingles: 8 consecutive word tokens, and
12 consecutive CJK characters. A shingle *is* its fingerprint: a tuple of words or a
string of characters, compared by value. Nothing here depends on Python's per-process
`hash()` seed, so fingerprints (and the verdict) are the same in every process, under
any PYTHONHASHSEED and any multiprocessing start method.

Shingles that are public anyway are dropped: a paid sentence that also appears in any
public text (a teaser, a free page, a title, mkdocs.yml, an included file) is not a leak.
Phrases of the `leak_guard: allow:` list are kept aside: a hit on one is logged, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Iterable, Iterator, Mapping, Sequence

from toolkit.leakguard.normalize import CJK_RUN, WORD, cjk_stream, normalize, tokens

WORD_SHINGLE = 8  # a sentence of 8+ words is caught; common short phrases are not
CJK_SHINGLE = 12  # about half a Chinese sentence; short idioms stay below it
# A paid shingle holding this many consecutive public tokens is public text plus a word or
# two of whatever follows it on a page (a heading, the paywall box): never a fingerprint.
PUBLIC_RUN = WORD_SHINGLE - 2
CJK_PUBLIC_RUN = CJK_SHINGLE - 3

Shingle = tuple | str  # words, or CJK characters


@dataclass(frozen=True)
class Hit:
    """A paid shingle found at `offset` of normalized text; `allowed_by` names the allow-list phrase."""

    offset: int
    page: str
    allowed_by: str | None = None


def windows(units: Sequence[str] | str, size: int) -> list[Shingle]:
    """Give every `size` consecutive units: tuples of words, or substrings of CJK characters."""
    if isinstance(units, str):
        return [units[i : i + size] for i in range(len(units) - size + 1)]
    # zip over shifted lists builds every window in C: no Python-level loop per token.
    return list(zip(*(units[i:] for i in range(size))))


def streams(markdown: str) -> tuple[list[str], str]:
    """Give the word tokens and the CJK characters of Markdown source."""
    clean = normalize(markdown, "markdown")
    return tokens(clean), cjk_stream(clean)


def public_shingles(markdown: str) -> set[Shingle]:
    """Give every shingle and every shorter public run of public Markdown."""
    words, chars = streams(markdown)
    found: set[Shingle] = set()
    for units, sizes in ((words, (WORD_SHINGLE, PUBLIC_RUN)), (chars, (CJK_SHINGLE, CJK_PUBLIC_RUN))):
        for size in sizes:
            found.update(windows(units, size))
    return found


class Fingerprints:
    """The shingles of every paid remainder, each mapped to its source page."""

    def __init__(self, owners: dict[Shingle, str], allowed: dict[Shingle, tuple[str, str]] | None = None):
        self._owners = owners
        self._allowed = allowed or {}

    @classmethod
    def build(cls, paid: Mapping[str, str], public: Iterable[str] = (), allow: Iterable[str] = ()) -> "Fingerprints":
        """Give fingerprints of `paid` (page -> paid Markdown), less shingles found in `public` texts.

        Shingles mostly inside an `allow` phrase are kept apart: found, logged, never a leak.
        """
        public_set: set[Shingle] = set()
        for text in public:
            public_set |= public_shingles(text)
        phrases = [(phrase, streams(phrase)) for phrase in allow if phrase.strip()]
        owners: dict[Shingle, str] = {}
        allowed: dict[Shingle, tuple[str, str]] = {}
        for page in sorted(paid):  # sorted: a shingle shared by two pages is owned by the same one everywhere
            words, chars = streams(paid[page])
            strong = [len(word) >= 3 and not word.isdigit() for word in words]
            for units, size, run, distinctive, phrase_units in (
                (words, WORD_SHINGLE, PUBLIC_RUN, _enough_strong(strong, WORD_SHINGLE, 3), [(p, s[0]) for p, s in phrases]),
                (chars, CJK_SHINGLE, CJK_PUBLIC_RUN, _varied(chars, CJK_SHINGLE, 4), [(p, s[1]) for p, s in phrases]),
            ):
                cover = _allow_cover(units, phrase_units)
                for index, shingle in _private(units, size, run, public_set, distinctive):
                    phrase = _mostly_allowed(cover, index, size)
                    if phrase is None:
                        owners.setdefault(shingle, page)
                    else:
                        allowed.setdefault(shingle, (page, phrase))
        return cls(owners, allowed)

    def __len__(self) -> int:
        return len(self._owners)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fingerprints) and (self._owners, self._allowed) == (other._owners, other._allowed)

    @property
    def pages(self) -> frozenset[str]:
        """Give the paid pages that still have at least one fingerprint."""
        return frozenset(self._owners.values())

    def touches(self, clean: str) -> bool:
        """Tell whether normalized text shares any shingle with the paid text (fast path: lazy, in C)."""
        words = tokens(clean)
        chars = cjk_stream(clean)
        for known in (self._owners.keys(), self._allowed.keys()):
            if not known:
                continue
            if not known.isdisjoint(zip(*(words[i:] for i in range(WORD_SHINGLE)))):
                return True
            if chars and not known.isdisjoint(windows(chars, CJK_SHINGLE)):
                return True
        return False

    def locate(self, clean: str) -> list[Hit]:
        """Give a Hit for every shingle of normalized text that is paid, in order of offset."""
        folded = clean.casefold()
        matches = list(WORD.finditer(folded))
        hits = self._hits(windows([m.group() for m in matches], WORD_SHINGLE), [m.start() for m in matches])
        offsets = [i for m in CJK_RUN.finditer(folded) for i in range(m.start(), m.end())]
        hits += self._hits(windows("".join(folded[i] for i in offsets), CJK_SHINGLE), offsets)
        if len(folded) != len(clean):  # casefolding changed lengths (ß -> ss): offsets are approximate
            hits = [Hit(min(hit.offset, len(clean) - 1), hit.page, hit.allowed_by) for hit in hits]
        return sorted(hits, key=lambda hit: hit.offset)

    def _hits(self, shingles: list[Shingle], offsets: list[int]) -> list[Hit]:
        found = []
        for i, shingle in enumerate(shingles):
            if shingle in self._owners:
                found.append(Hit(offsets[i], self._owners[shingle]))
            elif shingle in self._allowed:
                page, phrase = self._allowed[shingle]
                found.append(Hit(offsets[i], page, phrase))
        return found


def _private(units, size: int, run: int, public: set[Shingle], distinctive: list[bool]) -> Iterator[tuple[int, Shingle]]:
    """Give (index, shingle) of the distinctive shingles of `units` that are not mostly public text.

    Dropped: a shingle holding a public run of `run` units, or one more than half covered
    by public shingles. Either could match public text followed by any word on a public
    page (an import line, then `async`; a teaser's last words, then the paywall box).
    """
    shingles = windows(units, size)
    public_runs = _prefix_sums(w in public for w in windows(units, run))
    covered = [0] * (len(shingles) + size)
    for i, shingle in enumerate(shingles):
        if shingle in public:
            covered[i : i + size] = [1] * size
    covered = _prefix_sums(covered)
    span = size - run + 1  # the runs that fit inside one shingle
    for i, shingle in enumerate(shingles):
        mostly_private = covered[i + size] - covered[i] <= size // 2
        if mostly_private and distinctive[i] and public_runs[i + span] == public_runs[i]:
            yield i, shingle


def _allow_cover(units: Sequence[str] | str, phrases: list[tuple[str, Sequence[str] | str]]) -> list[str | None]:
    """Give, per unit, the allow-list phrase whose occurrence covers it (None if none does)."""
    cover: list[str | None] = [None] * len(units)
    for phrase, needle in phrases:
        width = len(needle)
        if not width:
            continue
        for start in range(len(units) - width + 1):
            if units[start : start + width] == needle:
                cover[start : start + width] = [phrase] * width
    return cover


def _mostly_allowed(cover: list[str | None], index: int, size: int) -> str | None:
    """Give the phrase covering more than half of the shingle at `index`, if any."""
    inside = [phrase for phrase in cover[index : index + size] if phrase is not None]
    return inside[0] if len(inside) > size // 2 else None


def _prefix_sums(flags: Iterable) -> list[int]:
    return list(accumulate(flags, initial=0))


def _enough_strong(strong: list[bool], size: int, needed: int) -> list[bool]:
    """Tell, per shingle, whether it has `needed` real words (3+ letters, not a number)."""
    sums = _prefix_sums(strong)
    return [sums[i + size] - sums[i] >= needed for i in range(len(strong) - size + 1)]


def _varied(chars: str, size: int, needed: int) -> list[bool]:
    """Tell, per CJK shingle, whether it has `needed` different characters (not 哈哈哈哈…)."""
    return [len(set(chars[i : i + size])) >= needed for i in range(len(chars) - size + 1)]
