"""POST /checkout/<product>: from the site's Buy button to Stripe Checkout, and nowhere else."""

from __future__ import annotations

import re

import pytest
import requests

from tests.gate.gatekit import CHAPTER, COURSE, SITE_ORIGIN, GateServer, gate, published, selling  # noqa: F401
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from tests.sandbox.stripe_fixtures import stripe_standin  # noqa: F401


def post_checkout(gate, product=COURSE, plan="one_time", page=CHAPTER, headers=None, **extra):
    headers = {"Origin": SITE_ORIGIN} if headers is None else headers
    return requests.post(f"{gate.url}/checkout/{product}", data={"plan": plan, "page": page, **extra},
                         headers=headers, allow_redirects=False, timeout=30)


def sessions(selling) -> list[dict]:
    return [s.to_dict() for s in selling.client().v1.checkout.sessions.list(params={"limit": 100}).data]


def session_of(selling, response) -> dict:
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    return selling.client().v1.checkout.sessions.retrieve(
        session_id, params={"expand": ["line_items", "line_items.data.price"]}).to_dict()


def test_buy_button_redirects_303_to_stripe_checkout(gate, selling):
    response = post_checkout(gate)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{selling.standin.url}/pay/cs_")


def test_course_session_names_product_mode_price_and_success_url(gate, selling):
    session = session_of(selling, post_checkout(gate))
    assert session["mode"] == "payment"
    assert session["client_reference_id"] == COURSE
    assert session["metadata"] == {"folio_product": COURSE, "folio_plan": "one_time"}
    # Back to the Buy form's page after paying: the success route checks the page and returns there.
    assert session["success_url"] == f"{gate.url}/success?session_id={{CHECKOUT_SESSION_ID}}&page={CHAPTER}"
    assert session["cancel_url"] == "https://site.example.org/courses/async-python/01-chapter/#folio-paywall"
    [item] = session["line_items"]["data"]
    assert item["price"]["id"] == selling.prices["folio_course_async-python"]


def test_payment_methods_are_left_to_stripe():
    # Dynamic payment methods: the gate never sends payment_method_types, so Stripe offers
    # whatever the account enables (cards, wallets, Alipay, WeChat Pay).
    from toolkit.pay import checkout

    source = open(checkout.__file__, encoding="utf-8").read()
    assert '"payment_method_types"' not in source


def test_membership_plan_starts_a_subscription_at_that_plans_price(gate, selling):
    session = session_of(selling, post_checkout(gate, "membership", "yearly"))
    assert session["mode"] == "subscription"
    assert session["metadata"] == {"folio_product": "membership", "folio_plan": "yearly"}
    assert session["line_items"]["data"][0]["price"]["id"] == selling.prices["folio_membership_yearly"]


def test_referer_from_the_site_is_accepted_without_origin(gate):
    response = post_checkout(gate, headers={"Referer": f"{SITE_ORIGIN}/courses/async-python/01-chapter/"})
    assert response.status_code == 303


def test_unknown_product_is_a_404_page_with_a_link_back(gate, selling):
    response = post_checkout(gate, "course:nope")
    assert response.status_code == 404
    assert "Not found" in response.text and 'href="https://site.example.org/' in response.text
    assert sessions(selling) == []


def test_unknown_plan_is_a_404(gate, selling):
    assert post_checkout(gate, "membership", "weekly").status_code == 404
    assert sessions(selling) == []


def test_foreign_origin_gets_a_confirm_page_and_no_session(gate, selling):
    response = post_checkout(gate, headers={"Origin": "https://evil.example.com"})
    assert response.status_code == 403
    assert "Continue to payment" in response.text and 'name="csrf_token"' in response.text
    assert sessions(selling) == []


def test_no_origin_and_no_referer_gets_the_confirm_page(gate, selling):
    assert post_checkout(gate, headers={}).status_code == 403
    assert sessions(selling) == []


def test_confirm_form_with_its_csrf_token_goes_to_checkout(gate, selling):
    http = requests.Session()
    page = http.post(f"{gate.url}/checkout/{COURSE}", data={"plan": "one_time", "page": CHAPTER}, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = http.post(f"{gate.url}/checkout/{COURSE}", data={"plan": "one_time", "page": CHAPTER,
                                                                 "csrf_token": token},
                         allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert len(sessions(selling)) == 1


def test_forged_csrf_token_gets_no_session(gate, selling):
    response = post_checkout(gate, headers={}, csrf_token="forged")
    assert response.status_code == 403
    assert sessions(selling) == []


def test_checkout_is_rate_limited(selling):
    server = GateServer(selling.settings(checkout_limit="2 per minute"))
    try:
        statuses = [post_checkout(server).status_code for _ in range(3)]
    finally:
        server.close()
    assert statuses == [303, 303, 429]


def test_rate_limit_page_says_to_wait(selling):
    server = GateServer(selling.settings(checkout_limit="1 per minute"))
    try:
        post_checkout(server)
        response = post_checkout(server)
    finally:
        server.close()
    assert response.status_code == 429 and "Too many requests" in response.text
    assert response.headers["Retry-After"]


def test_product_without_a_stripe_price_is_not_sold(selling):
    # A Stripe account where `folio catalog sync` never ran: no price under any lookup key.
    from dataclasses import replace

    from tests.sandbox.stripe_fixtures import API_KEY, WEBHOOK_SECRET
    from toolkit.sandbox.stripe import StripeStandIn

    with StripeStandIn(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET) as empty:
        server = GateServer(replace(selling.settings(), stripe_api_base=empty.url))
        try:
            response = post_checkout(server)
        finally:
            server.close()
        assert response.status_code == 404 and "Not found" in response.text
        assert empty.client().v1.checkout.sessions.list().data == []


def test_stripe_errors_on_checkout_give_a_503_retry_page(gate, selling):
    for fault in ("429", "500", "drop"):
        if fault == "drop":
            selling.standin.drop_next(1)
        else:
            selling.standin.fail_next(int(fault), count=1)
        response = post_checkout(gate)
        assert response.status_code == 503, fault
        assert "Please try again in a moment" in response.text and "Traceback" not in response.text
        assert response.headers["Retry-After"]
    assert sessions(selling) == []
    assert post_checkout(gate).status_code == 303  # and once Stripe answers again, it works


def test_an_unreachable_rate_limit_store_refuses_checkout_with_a_retry_page(selling):
    """Fail closed: with the shared counters unreachable, no checkout goes unlimited and none is a 500."""
    pytest.importorskip("redis")
    from tests.loopback import free_port
    from toolkit.gate import create_app

    app = create_app(selling.settings(rate_limit_storage=f"redis://127.0.0.1:{free_port()}/0"))
    response = app.test_client().post(f"/checkout/{COURSE}", data={"plan": "one_time"},
                                      headers={"Origin": SITE_ORIGIN})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert sessions(selling) == []
    assert app.test_client().get("/healthz").status_code == 200  # not limited, so still answers
