"""Stripe's `created` filter on list endpoints: `created=N` or `created[gt|gte|lt|lte]=N`.

Applied by the API front to every list before it is paged, as Stripe does, so a reader
can ask for one period's objects only (`folio report` reads a month this way).
"""

from __future__ import annotations

import operator

from toolkit.sandbox.stripe import forms
from toolkit.sandbox.stripe.errors import invalid

_BOUNDS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def created_between(items: list[dict], params: dict) -> list[dict]:
    """The items whose `created` satisfies the request's `created` filter (all of them without one)."""
    value = params.get("created")
    if value is None:
        return items
    if isinstance(value, str):
        exact = forms.integer(params, "created")
        return [item for item in items if item.get("created") == exact]
    if not isinstance(value, dict):
        raise invalid("Invalid created: write created=N or created[gte]=N", param="created")
    forms.only(value, set(_BOUNDS))
    tests = [(_BOUNDS[name], forms.integer(value, name)) for name in value]
    return [item for item in items if all(test(item.get("created", 0), bound) for test, bound in tests)]
