"""Stripe's form encoding: `line_items[0][price]=p&expand[]=x` into nested dicts and lists.

Stripe's API takes `application/x-www-form-urlencoded` bodies (and query strings) whose
keys use brackets for nesting. Values stay strings here; each endpoint coerces what it
reads (`integer`, `boolean`) so a bad value is reported with the parameter's name.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from toolkit.sandbox.stripe.errors import invalid

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


def decode(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Nested params from (key, value) pairs, in order; `a[]` appends, `a[0]` indexes."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise invalid(f"Invalid parameter name: {key}", param=key)
        parts = [match.group(1)] + _PART.findall(match.group(2))
        node = root
        for part in parts[:-1]:
            part = part or str(len(node))
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise invalid(f"Invalid parameter: {key} is both a value and a hash", param=key)
            node = child
        last = parts[-1] or str(len(node))
        if isinstance(node.get(last), dict):
            raise invalid(f"Invalid parameter: {key} is both a value and a hash", param=key)
        node[last] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    """Hashes whose keys are all 0..n-1 become lists (`expand[0]`, `line_items[1][price]`)."""
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        indexes = sorted(int(key) for key in node)
        if indexes == list(range(len(indexes))):
            return [node[str(i)] for i in indexes]
    return node


# --------------------------------------------------------------------------
# Reading typed values out of decoded params


def string(params: dict, name: str, required: bool = False, default: Any = None) -> Any:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing(name)
        return default
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {name} must be a string", param=name)
    return value


def integer(params: dict, name: str, required: bool = False, default: Any = None) -> Any:
    value = string(params, name, required)
    if value is None:
        return default
    if not re.fullmatch(r"-?\d+", value):
        raise invalid(f"Invalid integer: {value}", param=name)
    return int(value)


def boolean(params: dict, name: str, default: Any = None) -> Any:
    value = string(params, name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise invalid(f"Invalid boolean: {value}", param=name)
    return value == "true"


def choice(params: dict, name: str, choices: tuple[str, ...], required: bool = False, default: Any = None):
    value = string(params, name, required, default)
    if value is not None and value not in choices:
        raise invalid(f"Invalid {name}: must be one of {', '.join(choices)}", param=name)
    return value


def string_list(params: dict, name: str) -> list[str]:
    value = params.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid(f"Invalid array: {name}", param=name)
    return value


def hash_param(params: dict, name: str) -> dict | None:
    value = params.get(name)
    if value is None:
        return None
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid hash: {name}", param=name)
    return value


def metadata(params: dict, current: dict | None = None) -> dict:
    """Stripe's metadata update rules: keys merge, an empty value unsets a key, `metadata=` clears."""
    result = dict(current or {})
    if "metadata" not in params:
        return result
    value = params["metadata"]
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid("Invalid hash: metadata", param="metadata")
    for key, item in value.items():
        if not isinstance(item, str):
            raise invalid(f"Invalid metadata[{key}]: must be a string", param=f"metadata[{key}]")
        if len(key) > 40 or len(item) > 500:
            raise invalid("Metadata keys are at most 40 characters and values at most 500.",
                          param=f"metadata[{key}]")
        if item == "":
            result.pop(key, None)
        else:
            result[key] = item
    if len(result) > 50:
        raise invalid("Metadata can have at most 50 keys.", param="metadata")
    return result


def missing(name: str):
    return invalid(f"Missing required param: {name}.", param=name, code="parameter_missing")


def only(params: dict, allowed: set[str]) -> None:
    """Stripe rejects parameters it does not know; so does the stand-in (a typo fails loudly)."""
    for name in params:
        if name not in allowed:
            raise invalid(f"Received unknown parameter: {name}", param=name, code="parameter_unknown")
