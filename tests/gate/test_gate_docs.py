"""The operators' selling page (docs/operators/selling.md) documents every gate setting, secret and route."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.config import GateConfig
from toolkit.gate.settings import OPTIONAL_ENV, REQUIRED_ENV

SELLING = (Path(__file__).resolve().parents[2] / "docs" / "operators" / "selling.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", [key for key, _ in GateConfig._schema])
def test_every_gate_setting_is_documented(key):
    assert f"| `{key}` |" in SELLING, key


@pytest.mark.parametrize("name", [*REQUIRED_ENV, *OPTIONAL_ENV])
def test_every_environment_variable_is_documented(name):
    assert f"`{name}`" in SELLING


def test_every_route_is_documented():
    from tests.gate.gatekit import SECRET_KEY
    from toolkit.gate import create_app
    from toolkit.gate.settings import GateSettings
    from toolkit.store.client import StorageSettings

    app = create_app(GateSettings("sk_test_x", "whsec_x", SECRET_KEY, StorageSettings(bucket="folio-docs"),
                                  "https://site.example.org/", gate_url="https://gate.example.org"))
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        route = rule.rule.replace("<path:page>", "<page>").replace("<path:key>", "<key>")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert f"{method} {route}" in SELLING, (method, route)
