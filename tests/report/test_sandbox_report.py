"""`folio serve --sandbox`: the payments console links the report of the sandbox's own data."""

from __future__ import annotations

import datetime as dt
import functools

from werkzeug.test import Client

from toolkit.sandbox.console import sandbox_pages
from toolkit.sandbox.report_page import sandbox_report
from toolkit.sandbox.smtp import MailBox


def test_the_payments_console_links_the_report_of_its_own_data(community):
    report = functools.partial(sandbox_report, community.config_file, community.standin, dt.date(2026, 11, 30))
    client = Client(sandbox_pages(MailBox(), community.standin, report=report))
    payments = client.get("/payments")
    assert payments.status_code == 200 and "href='/report'" in payments.get_data(as_text=True)
    page = client.get("/report")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Net revenue by month (USD)" in text and "Contributors&#x27; share" in text
    assert "57.00 USD" in text  # November's USD net, as in report.json


def test_a_site_outside_git_still_gets_its_revenue(tmp_path, community):
    (tmp_path / "docs").mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Fresh\nplugins:\n  - folio\n", encoding="utf-8")
    html = sandbox_report(config, community.standin, dt.date(2026, 11, 30))
    assert "not a git repository" in html and "57.00 USD" in html
