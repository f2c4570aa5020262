"""The documentation of the gate names every setting, secret and route: the settings reference
(docs/reference/settings.md) its settings and environment variables, the gate's page
(docs/operators/gate.md) its routes."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.config import GateConfig
from toolkit.gate.settings import OPTIONAL_ENV, REQUIRED_ENV

DOCS = Path(__file__).resolve().parents[2] / "docs"
SETTINGS = (DOCS / "reference/settings.md").read_text(encoding="utf-8")
GATE_SETTINGS = SETTINGS.split("\n## The gate", 1)[1].split("\n## ", 1)[0]
ENVIRONMENT = SETTINGS.split("\n## Environment variables", 1)[1].split("\n## ", 1)[0]
ROUTES = (DOCS / "operators/gate.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", [key for key, _ in GateConfig._schema])
def test_every_gate_setting_is_documented(key):
    assert f"| `{key}` |" in GATE_SETTINGS, key


@pytest.mark.parametrize("name", [*REQUIRED_ENV, *OPTIONAL_ENV])
def test_every_environment_variable_is_documented(name):
    assert f"`{name}`" in ENVIRONMENT


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
            assert f"{method} {route}" in ROUTES, (method, route)
