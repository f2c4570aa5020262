"""`folio gate`, the production command: limits hold across its workers; it will not start without gate_url."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.gate.gatekit import SECRET_KEY
from tests.loopback import free_port
from tests.sandbox.stripe_fixtures import API_KEY, WEBHOOK_SECRET
from toolkit.commands.gate import plan_processes
from toolkit.sandbox.smtp import SandboxSMTP

REPO = Path(__file__).resolve().parents[2]


def write_site(root: Path, gate_url: str | None) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    folio = {"storage": {"bucket": "folio-gated"}, "gate": {"signin_limit": "5 per hour"}}
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
    result = subprocess.run(folio("gate", "-f", str(write_site(tmp_path, None))), env=environment(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "gate_url" in result.stderr and "Traceback" not in result.stderr


def test_sign_in_limits_hold_under_folio_gate_with_two_workers(tmp_path):
    port = free_port()
    config = write_site(tmp_path, f"http://127.0.0.1:{port}")
    with SandboxSMTP() as smtp:
        env = environment(FOLIO_MAIL_URL=smtp.url, FOLIO_MAIL_FROM="Folio <no-reply@example.org>")
        server = subprocess.Popen(folio("gate", "-f", str(config), "--port", str(port), "--workers", "2",
                                        "--threads", "2"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server)
            answers = []
            for n in range(7):  # a fresh browser each time, as an attacker would use
                http = requests.Session()
                form = http.get(f"{base}/signin", timeout=10).text
                token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or \
                    re.search(r'name="csrf_token" value="([^"]+)"', form)
                answers.append(http.post(f"{base}/signin", data={"email": "victim@example.org",
                                                                  "csrf_token": token.group(1)}, timeout=10).status_code)
            assert answers == [200] * 5 + [429] * 2
            time.sleep(0.5)
            assert len(smtp.box.to("victim@example.org")) == 5
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            output = server.communicate(timeout=30)[0]
    assert "1 worker" in output  # memory:// counters live in one process: the gate runs one


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"folio gate exited: {server.stdout.read()}")
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    pytest.fail("folio gate did not start within 30 s")


def test_several_workers_run_only_with_a_shared_store():
    assert plan_processes("memory://", 2, 8)[:2] == (1, 16)
    assert plan_processes("redis://cache:6379/0", 2, 8) == (2, 8, None)
    assert plan_processes("memory://", 1, 8) == (1, 8, None)
