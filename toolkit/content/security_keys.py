"""Front-matter keys that decide who may read a page, and near misses of them.

A misspelt `acess: paid` would otherwise be an unknown key (a warning) and the page
free: published. Keys that differ from a security key only by case or one edit are
therefore errors, as is a security key on a page kind it does not apply to.
"""

from __future__ import annotations

SECURITY_KEYS = ("access", "price", "type")


def near_security_key(key: str) -> str | None:
    """The security key that `key` almost is (case or one typo away), else None."""
    if key in SECURITY_KEYS:
        return None
    folded = key.casefold().strip()
    for wanted in SECURITY_KEYS:
        if folded == wanted or _one_edit(folded, wanted):
            return wanted
    return None


def _one_edit(a: str, b: str) -> bool:
    """True when `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
