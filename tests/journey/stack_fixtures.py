"""A running sandbox stack for tests, and the moves of a reader and of Stripe on it.

    from tests.journey.stack_fixtures import tiny_stack, Reader  # noqa: F401

One stack per test module (starting one builds and publishes a site): tests that share it
use their own email address, so they never see each other's purchases.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import TINY_PAGES
from tests.sites import write_site
from tests.s3server import s3_env  # noqa: F401
from toolkit.sandbox.stack import SandboxStack

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def write_tiny_site(root: Path, language: str = "en") -> Path:
    """The tiny site (course:c at 19 USD, membership at 9 USD a month), with no gate_url of its own."""
    return write_site(root, TINY_PAGES, language=language,
                      folio={"gate_url": None, "membership": {"monthly": "9 USD"}})


@pytest.fixture(scope="module")
def tiny_stack(tmp_path_factory, s3_env) -> Iterator[SandboxStack]:  # noqa: F811
    """The sandbox on the tiny site (course:c at 19 USD, membership at 9 USD a month)."""
    config = write_tiny_site(tmp_path_factory.mktemp("tiny-sandbox"))
    with SandboxStack(config, site_addr="127.0.0.1:0", site_server=True, isolate_aws=False) as stack:
        yield stack


def new_email() -> str:
    return f"reader-{uuid.uuid4().hex[:10]}@example.com"


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class Reader:
    """One browser-less reader: the gate's WSGI app with a cookie jar, plus the stack around it."""

    def __init__(self, stack: SandboxStack, email: str | None = None) -> None:
        self.stack = stack
        self.email = email or new_email()
        self.client = stack.gate_app.test_client()

    # -- buying -----------------------------------------------------------------------------

    def start_checkout(self, product: str, plan: str | None = None) -> str:
        """POST the site's Buy form; the id of the Checkout Session the gate created."""
        data = {"plan": plan} if plan else {}
        response = self.client.post(f"/checkout/{product}", data=data,
                                    headers={"Origin": self.stack.urls.site})
        assert response.status_code == 303, response.get_data(as_text=True)
        return urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1]

    def buy(self, product: str, plan: str | None = None) -> str:
        """Checkout and pay (the stand-in then delivers the webhook to the gate); the session id."""
        session_id = self.start_checkout(product, plan)
        self.stack.standin.complete_checkout(session_id, "paid", email=self.email)
        return session_id

    # -- mail and sign-in ---------------------------------------------------------------------

    def mails(self):
        return self.stack.smtp.box.to(self.email)

    def wait_for_mail(self, subject_part: str, after: int = 0):
        return self.stack.smtp.box.wait_for(
            lambda m: self.email in m.recipients and subject_part in m.subject, timeout=10, after=after)

    def ask_for_link(self, email: str | None = None):
        page = self.client.get("/signin").get_data(as_text=True)
        return self.client.post("/signin", data={"email": email or self.email, "csrf_token": csrf_of(page)})

    def confirm(self, link: str):
        """Open the mailed link (GET) and press its button (POST); the POST's response."""
        query = urlsplit(link).query
        page = self.client.get(f"/signin/confirm?{query}")
        assert page.status_code == 200, page.get_data(as_text=True)
        html = page.get_data(as_text=True)
        token = parse_qs(query)["token"][0]
        return self.client.post("/signin/confirm", data={"token": token, "csrf_token": csrf_of(html)})

    def sign_in(self):
        """Ask for a link, take it from the mail, confirm it; the confirm POST's response."""
        before = len(self.stack.smtp.messages)
        response = self.ask_for_link()
        assert response.status_code == 200, response.get_data(as_text=True)
        mail = self.wait_for_mail("sign-in", after=before)
        return self.confirm(mail.links()[0])

    def library(self) -> str:
        response = self.client.get("/library")
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def read(self, product: str, source: str):
        return self.client.get(f"/read/{product}/{source}")
