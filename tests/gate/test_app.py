"""The gate as a service: health check, headers, quiet logs, settings from env + mkdocs.yml, `folio gate`."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from tests.gate.gatekit import (CHAPTER, COURSE, SECRET_KEY, SITE_ORIGIN, gate, published,  # noqa: F401
                                selling)
from tests import processes
from tests.loopback import http_body, wait_for
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from tests.sandbox.stripe_fixtures import API_KEY, WEBHOOK_SECRET, stripe_standin  # noqa: F401
from toolkit.errors import FolioError
from toolkit.gate.identity import SIGNIN_COOKIE as COOKIE_NAME
from toolkit.gate.settings import GateSettings

ENV = {"STRIPE_API_KEY": API_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "FOLIO_SECRET_KEY": SECRET_KEY}


def test_healthz_answers_without_stripe_or_s3(selling):
    from toolkit.gate import create_app

    selling.standin.drop_next(100)  # Stripe is down: the load balancer must still see a live gate
    response = create_app(selling.settings()).test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_unknown_route_is_a_404_page(gate):
    response = requests.get(f"{gate.url}/admin", timeout=30)
    assert response.status_code == 404 and "Not found" in response.text and "Traceback" not in response.text


def test_logs_hold_no_tokens_cookies_or_signed_urls(gate, selling, caplog):
    caplog.set_level(logging.DEBUG)
    http = requests.Session()
    location = http.post(f"{gate.url}/checkout/{COURSE}", data={"plan": "one_time", "page": CHAPTER},
                         headers={"Origin": SITE_ORIGIN}, allow_redirects=False, timeout=30).headers["Location"]
    session_id = location.rsplit("/", 1)[1]
    success = http.post(location, data={"action": "pay", "email": "reader@example.com"}, timeout=30)
    cookie = http.cookies.get(COOKIE_NAME)
    page = http.get(f"{gate.url}/read/{COURSE}/{CHAPTER}", timeout=30)
    tampered = requests.get(f"{gate.url}/read/{COURSE}/{CHAPTER}", cookies={COOKIE_NAME: cookie + "x"},
                            allow_redirects=False, timeout=30)
    assert success.status_code == 200 and page.status_code == 200 and tampered.status_code == 303
    signatures = re.findall(r"X-Amz-Signature=([0-9a-f]+)", success.text + page.text)
    assert signatures and cookie and session_id
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name != "folio.events")
    assert "Fulfilled checkout" in logged  # the gate did log, just nothing secret
    for secret in [session_id, cookie, *signatures, API_KEY, WEBHOOK_SECRET, SECRET_KEY, "X-Amz-Signature"]:
        assert secret not in logged
    # The operator's event stream names the session (its documented "session" field), nothing else secret.
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == "folio.events"]
    assert [e["event"] for e in events] == ["grant", "read"]
    assert events[0]["session"] == session_id and "reader@example.com" not in str(events)
    for secret in [cookie, *signatures, API_KEY, WEBHOOK_SECRET, SECRET_KEY, "X-Amz-Signature"]:
        assert secret not in str(events)


def test_settings_repr_hides_secrets(selling):
    text = repr(selling.settings())
    assert API_KEY not in text and WEBHOOK_SECRET not in text and SECRET_KEY not in text


def site(tmp_path: Path, gate: dict | None = None, site_url: str | None = "https://site.example.org/",
         storage: dict | None = None) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    folio = {"gate_url": "https://gate.example.org", "storage": storage or {"bucket": "folio-gated"}}
    if gate is not None:
        folio["gate"] = gate
    config = {"site_name": "Gate test", "docs_dir": "docs", "plugins": [{"folio": folio}]}
    if site_url:
        config["site_url"] = site_url
    path = tmp_path / "mkdocs.yml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def test_settings_come_from_mkdocs_yml_and_the_environment(tmp_path):
    config = site(tmp_path, gate={"rate_limit_storage": "redis://cache:6379/0", "checkout_limit": "5 per minute",
                                  "trusted_proxies": ["10.0.0.5"], "origins": ["https://staging.example.org"]})
    settings = GateSettings.from_mkdocs(config, {**ENV, "STRIPE_API_BASE": "http://127.0.0.1:9"})
    assert (settings.site_url, settings.gate_url, settings.stripe_api_base) == \
        ("https://site.example.org/", "https://gate.example.org", "http://127.0.0.1:9")
    assert settings.rate_limit_storage == "redis://cache:6379/0" and settings.checkout_limit == "5 per minute"
    assert settings.allowed_origins == {"https://site.example.org", "https://staging.example.org"}
    assert settings.storage.bucket == "folio-gated" and settings.trusted_proxies == ("10.0.0.5",)


def test_missing_secrets_are_named_all_at_once(tmp_path):
    with pytest.raises(FolioError) as error:
        GateSettings.from_mkdocs(site(tmp_path), {"STRIPE_API_KEY": API_KEY})
    assert "STRIPE_WEBHOOK_SECRET: not set" in error.value.message
    assert "FOLIO_SECRET_KEY: not set" in error.value.message
    assert "STRIPE_API_KEY" not in error.value.message.split("\n", 1)[1]


def test_short_cookie_key_is_refused(tmp_path):
    with pytest.raises(FolioError, match="FOLIO_SECRET_KEY: must be at least 32 characters"):
        GateSettings.from_mkdocs(site(tmp_path), {**ENV, "FOLIO_SECRET_KEY": "short"})


def test_site_url_is_required(tmp_path):
    with pytest.raises(FolioError, match="site_url: not set"):
        GateSettings.from_mkdocs(site(tmp_path, site_url=None), ENV)


@pytest.mark.parametrize("gate_config, says", [
    ({"checkout_limit": "lots"}, "checkout_limit"),
    ({"rate_limit_storage": "mysql://db"}, "rate_limit_storage"),
    ({"cookie_max_age": 5}, "cookie_max_age"),
    ({"proxy_hops": -1}, "proxy_hops"),
])
def test_bad_gate_settings_are_clear_errors(tmp_path, gate_config, says, caplog):
    with pytest.raises(FolioError) as error:
        GateSettings.from_mkdocs(site(tmp_path, gate=gate_config), ENV)
    # The error names the file and line, the key path and what to write.
    assert re.search(rf"mkdocs\.yml:\d+: plugins\.folio\.gate\.{says}: must be .*; write e\.g\. `{says}: ", error.value.message)


def test_folio_gate_without_secrets_exits_1_naming_them(tmp_path, monkeypatch):
    from toolkit.cli import main

    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["gate", "-f", str(site(tmp_path))])
    assert result.exit_code == 1
    assert "STRIPE_API_KEY: not set" in result.output and "Traceback" not in result.output


LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def test_folio_gate_serves_under_gunicorn(tmp_path, published):
    storage, _, _ = published
    config = site(tmp_path, storage={"bucket": storage.bucket, "prefix": storage.prefix,
                                     "endpoint_url": storage.endpoint_url, "region": "us-east-1"})
    folio = Path(sys.executable).with_name("folio")
    # Port 0: gunicorn binds a free port itself and says which (no race with another test for it).
    process = processes.start([str(folio), "gate", "-f", str(config), "--port", "0", "--workers", "1",
                               "--threads", "2"], env={**os.environ, **ENV}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines = processes.collect_output(process)
    try:
        assert wait_for(lambda: LISTENING.search("".join(lines)), 60), "".join(lines)
        port = int(LISTENING.search("".join(lines)).group(1))
        assert wait_for(lambda: http_body(f"http://127.0.0.1:{port}/healthz"), 20)
        assert json.loads(http_body(f"http://127.0.0.1:{port}/healthz")) == {"status": "ok"}
        missing = urllib.request.Request(f"http://127.0.0.1:{port}/success?session_id=cs_test_secretvalue")
        try:
            urllib.request.urlopen(missing, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code in (404, 503)
    finally:
        output = processes.stop(process, timeout=30)
    assert "gunicorn" in output.lower() or "Booting worker" in output
    assert "GET /healthz" in output  # the access log…
    assert "cs_test_secretvalue" not in output  # …without query strings


def test_wsgi_module_builds_the_app_from_folio_config(tmp_path):
    config = site(tmp_path)
    code = ("from toolkit.gate.wsgi import app; "
            "print(sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint != 'static'))")
    result = processes.run([sys.executable, "-c", code], env={**os.environ, **ENV, "FOLIO_CONFIG": str(config)},
                           capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "/checkout/<product>" in result.stdout and "/webhook" in result.stdout
