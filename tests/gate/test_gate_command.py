"""`folio gate`, the production command: limits hold across its workers; it will not start without gate_url."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests import processes
from tests.gate.gatekit import SECRET_KEY, redis_url  # noqa: F401  (fixture)
from tests.loopback import http_body, wait_for
from tests.sandbox.stripe_fixtures import API_KEY, WEBHOOK_SECRET
from toolkit.commands.gate import plan_processes
from toolkit.sandbox.smtp import SandboxSMTP

REPO = Path(__file__).resolve().parents[2]


def write_site(root: Path, gate_url: str | None, storage_uri: str = "memory://") -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    folio = {"storage": {"bucket": "folio-gated"},
             "gate": {"signin_limit": "5 per hour", "rate_limit_storage": storage_uri}}
    if gate_url:
        folio["gate_url"] = gate_url
    config = {"site_name": "Gate command test", "site_url": "https://site.example.org/", "docs_dir": "docs",
              "plugins": [{"folio": folio}]}
    path = root / "mkdocs.yml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def environment(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "STRIPE_API_KEY": API_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "FOLIO_SECRET_KEY": SECRET_KEY, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", **extra}


def folio(*args) -> list[str]:
    return [sys.executable, "-c", "from toolkit.cli import main; main()", *args]


def test_without_gate_url_the_gate_does_not_start(tmp_path):
    result = processes.run(folio("gate", "-f", str(write_site(tmp_path, None))), env=environment(),
                           capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "gate_url" in result.stderr and "Traceback" not in result.stderr


GATE_URL = "http://gate.example.org"  # links are built on it (http: the CSRF cookie is not Secure on loopback)
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_sign_in_limits_hold_under_folio_gate_with_two_workers(tmp_path, request, store):
    """7 sign-in requests against a limit of 5: 5 mails, 2 refusals, however many processes serve them."""
    storage_uri = request.getfixturevalue("redis_url") if store == "redis" else "memory://"
    config = write_site(tmp_path, GATE_URL, storage_uri)
    with SandboxSMTP() as smtp, running_gate(config, smtp) as (base, output):
        answers = [ask_for_link(base, "victim@example.org") for _ in range(7)]
        assert answers == [200] * 5 + [429] * 2
        assert wait_for(lambda: len(smtp.box.to("victim@example.org")) >= 5, 10)
        time.sleep(0.3)  # a sixth mail would have arrived by now
        mails = smtp.box.to("victim@example.org")
        assert len(mails) == 5
        if store == "redis":
            # The link works once, whichever worker the second browser reaches.
            link = mails[0].links()[0]
            assert link.startswith(GATE_URL + "/signin/confirm?token=")
            link = base + link.removeprefix(GATE_URL)
            assert confirm(link) == 303
            assert all(confirm(link) == 400 for _ in range(3))
    if store == "memory":
        assert "1 worker" in output()  # memory:// counters live in one process: the gate runs one
    else:
        assert "(2 workers" in output()


def ask_for_link(base: str, email: str) -> int:
    http = requests.Session()  # a fresh browser each time, as an attacker would use
    form = http.get(f"{base}/signin", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    return http.post(f"{base}/signin", data={"email": email, "csrf_token": token.group(1)}, timeout=10).status_code


def confirm(link: str) -> int:
    http = requests.Session()
    page = http.get(link, timeout=10).text
    token = link.split("token=", 1)[1]
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return http.post(link.split("?", 1)[0], data={"token": token, "csrf_token": csrf}, allow_redirects=False,
                     timeout=10).status_code


@contextmanager
def running_gate(config: Path, smtp):
    """`folio gate --workers 2` on port 0 (gunicorn says which port it bound): (base URL, its output so far)."""
    env = environment(FOLIO_MAIL_URL=smtp.url, FOLIO_MAIL_FROM="Folio <no-reply@example.org>")
    server = processes.start(folio("gate", "-f", str(config), "--port", "0", "--workers", "2", "--threads", "2"),
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = processes.collect_output(server)
    output = [""]
    try:
        assert wait_for(lambda: LISTENING.search("".join(lines)), 60), "".join(lines)
        base = f"http://127.0.0.1:{LISTENING.search(''.join(lines)).group(1)}"
        assert wait_for(lambda: http_body(f"{base}/healthz"), 20), "".join(lines)
        yield base, lambda: output[0] or "".join(lines)
    finally:
        output[0] = processes.stop(server, timeout=30)


def test_several_workers_run_only_with_a_shared_store():
    assert plan_processes("memory://", 2, 8)[:2] == (1, 16)
    assert plan_processes("redis://cache:6379/0", 2, 8) == (2, 8, None)
    assert plan_processes("memory://", 1, 8) == (1, 8, None)


def test_the_shared_store_on_redis_keeps_values_for_their_lifetime(redis_url):
    from limits.storage import storage_from_string

    from toolkit.gate.store import RedisStore, store_for

    store = store_for(storage_from_string(redis_url))
    assert isinstance(store, RedisStore)
    store.set("folio:test:a", "1", 1)
    assert store.get("folio:test:a") == "1"
    assert store.add("folio:test:b", "x", 60) and not store.add("folio:test:b", "y", 60)
    assert store.get("folio:test:b") == "x"
    store.delete("folio:test:b")
    assert store.get("folio:test:b") is None
    time.sleep(1.2)
    assert store.get("folio:test:a") is None
