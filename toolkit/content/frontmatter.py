"""Read a Markdown file's YAML front matter, remembering the line of every key.

MkDocs parses front matter too, but throws the positions away; authors need
`content/x.md:7: price: ...`, so we compose the YAML ourselves and keep marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

_FENCE = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StringDatesLoader(_BaseLoader):
    """A safe loader that leaves `2026-13-01` a string, so we can report it instead of crashing."""


_StringDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class FrontMatter:
    """A page's metadata, the line of each top-level key, and the Markdown body."""

    meta: dict = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # the file line where the body starts
    error: tuple[int, str] | None = None  # (line, message) when the YAML itself is broken

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the opening `---` when the key is absent."""
        return self.lines.get(key, 1)


def read_front_matter(text: str) -> FrontMatter:
    """Split `text` into front matter and body; never raises on bad YAML."""
    match = _FENCE.match(text)
    if not match:
        return FrontMatter(body=text.lstrip("\ufeff"))
    yaml_text = match.group(1) or ""
    body = text[match.end():]
    body_line = text[: match.end()].count("\n") + 1
    result = FrontMatter(body=body, body_line=body_line)
    loader = _StringDatesLoader(yaml_text)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        result.error = (line, f"front matter is not valid YAML: {exc.problem or exc}")
        return result
    finally:
        loader.dispose()
    if meta is None:
        return result
    if not isinstance(meta, dict) or not isinstance(node, yaml.MappingNode):
        result.error = (2, "front matter must be a mapping of `key: value` lines")
        return result
    # +2: YAML line 0 is the file's line 2, right after the opening `---`.
    first_line: dict[str, int] = {}
    for key_node, _ in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 2
        if key in first_line:
            # YAML would silently keep the second value: the author meant one of them.
            result.error = (line, f"`{key}` appears twice, on lines {first_line[key]} and {line}; keep one")
            return result
        first_line[key] = line
    result.meta = meta
    result.lines = first_line
    return result
