"""Access follows the payment (issue 21): one verdict for every route, a cache webhooks keep current.

Everything runs against the Stripe stand-in over real HTTP, with its webhooks delivered to the
gate, and moto's S3 behind it.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
import requests

from tests.gate.gatekit import (CHAPTER, COURSE, PAID_TEXT, SITE_ORIGIN, GateServer, gate, published,  # noqa: F401
                                redis_url, selling)
from tests.s3server import moto_endpoint, s3_env  # noqa: F401
from tests.sandbox.stripe_fixtures import stripe_standin  # noqa: F401
from toolkit.gate.identity import SIGNIN_COOKIE
from toolkit.pay.checkout import METADATA_PLAN, METADATA_PRODUCT

MEMBERS_PAGE = "articles/deep-dive.md"
EMAIL = "reader@example.com"


def bought(gate, selling, product=COURSE, plan="one_time", email=EMAIL, http=None):
    """A browser that paid for `product` and came back through the success page: (browser, session id)."""
    session_id = selling.open_session(product, plan)
    selling.standin.complete_checkout(session_id, "paid", email=email)
    http = http or requests.Session()
    response = http.get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30)
    assert response.status_code == 200, response.text
    return http, session_id


def read(http, gate, product=COURSE, page=CHAPTER):
    return http.get(f"{gate.url}/read/{product}/{page}", allow_redirects=False, timeout=30)


def ended(response, title: str) -> bool:
    """A signed-in reader's purchase stopped counting: a page saying why (no paid text), not the paywall."""
    return response.status_code in (402, 403) and title in response.text and PAID_TEXT not in response.text


def success(gate, session_id, http=None):
    return (http or requests).get(f"{gate.url}/success", params={"session_id": session_id}, timeout=30)


def subscription_of(selling, session_id: str) -> str:
    return selling.client().v1.checkout.sessions.retrieve(session_id).subscription


# --------------------------------------------------------------------------
# 1. One verdict: the success URL, reading, downloads


@pytest.mark.parametrize("after, status, says", [
    ("refund", 403, "This purchase was refunded"),
    ("dispute", 403, "This payment is disputed"),
])
def test_a_success_url_opens_nothing_after_a_refund_or_dispute(gate, selling, after, status, says):
    _, session_id = bought(gate, selling)
    getattr(selling.standin, after)(session_id)
    response = success(gate, session_id)  # a browser with no cookies, holding the mailed URL
    assert response.status_code == status and says in response.text
    assert "/read/" not in response.text and "/download/" not in response.text
    assert SIGNIN_COOKIE not in response.headers.get("Set-Cookie", "")


def test_a_success_url_opens_nothing_after_a_membership_ended(gate, selling):
    _, session_id = bought(gate, selling, "membership", "monthly")
    selling.standin.set_subscription_status(subscription_of(selling, session_id), "canceled")
    response = success(gate, session_id)
    assert response.status_code == 403 and "This membership has ended" in response.text
    assert SIGNIN_COOKIE not in response.headers.get("Set-Cookie", "")


def test_a_partial_refund_keeps_access_a_full_one_ends_it(gate, selling):
    http, session_id = bought(gate, selling)
    selling.standin.refund(session_id, amount=100)  # a goodwill discount
    assert read(http, gate).status_code == 200
    selling.standin.refund(session_id)  # the rest
    assert ended(read(http, gate), "This purchase was refunded")


def test_a_dispute_won_by_the_seller_gives_access_back(gate, selling):
    http, session_id = bought(gate, selling)
    dispute = selling.standin.dispute(session_id)
    assert ended(read(http, gate), "This payment is disputed")
    selling.standin.close_dispute(dispute["id"], "won")
    assert read(http, gate).status_code == 200


def test_a_lost_dispute_keeps_access_closed(gate, selling):
    http, session_id = bought(gate, selling)
    dispute = selling.standin.dispute(session_id)
    selling.standin.close_dispute(dispute["id"], "lost")
    assert ended(read(http, gate), "This payment is disputed")


def test_downloads_follow_the_verdict_too(gate, selling):
    http, session_id = bought(gate, selling)
    key = selling.manifest.products[COURSE].downloads[0].key
    link = f"{gate.url}/download/{COURSE}/{key}"
    first = http.get(link, allow_redirects=False, timeout=30)
    assert first.status_code == 303 and "X-Amz-Signature=" in first.headers["Location"]
    selling.standin.refund(session_id)
    again = http.get(link, allow_redirects=False, timeout=30)
    assert again.status_code == 303 and "X-Amz-Signature=" not in again.headers["Location"]
    assert http.get(f"{gate.url}/download/{COURSE}/manifest.json", timeout=30).status_code == 404


def _price(selling, amount, **extra):
    product = f"folio_course_{COURSE.split(':', 1)[1]}"
    return selling.client().v1.prices.create(params={"product": product, "currency": "usd", "unit_amount": amount,
                                                     **extra})


def _session_at(selling, price_id: str) -> str:
    session = selling.client().v1.checkout.sessions.create(params={
        "mode": "payment", "line_items": [{"price": price_id, "quantity": 1}], "client_reference_id": COURSE,
        "metadata": {METADATA_PRODUCT: COURSE, METADATA_PLAN: "one_time"}, "customer_creation": "always",
        "success_url": "https://gate.example.org/success"})
    selling.standin.complete_checkout(session.id, "paid", email=EMAIL)
    return session.id


def test_a_price_tagged_with_the_product_at_another_amount_opens_nothing(gate, selling):
    """Issue 21.5: someone with Stripe write access makes a 1-cent Price naming the course."""
    cheap = _price(selling, 1, metadata={METADATA_PRODUCT: COURSE, METADATA_PLAN: "one_time"})
    session_id = _session_at(selling, cheap.id)
    response = success(gate, session_id)
    assert response.status_code == 403 and "does not match what we sell" in response.text
    # Even archived afterwards to look like a retired price, it is still not one.
    selling.client().v1.prices.update(cheap.id, params={"active": False})
    assert success(gate, session_id).status_code == 403


def test_a_price_catalog_sync_retired_keeps_its_buyers(gate, selling):
    """The author changed the price: catalog sync moves the lookup key and archives the old Price."""
    http, session_id = bought(gate, selling)
    client = selling.client()
    old = selling.prices[f"folio_course_{COURSE.split(':', 1)[1]}"]
    new = _price(selling, 5900, lookup_key=f"folio_course_{COURSE.split(':', 1)[1]}", transfer_lookup_key=True,
                 metadata={METADATA_PRODUCT: COURSE, METADATA_PLAN: "one_time"})
    client.v1.products.update(new.product, params={"default_price": new.id})
    client.v1.prices.update(old, params={"active": False})
    gate.services.entitled.drop(EMAIL)
    assert read(http, gate).status_code == 200


def test_a_failed_bank_transfer_says_so_and_offers_to_try_again(gate, selling):
    session_id = selling.open_session()
    selling.standin.complete_checkout(session_id, "async_pending", email=EMAIL)
    assert success(gate, session_id).status_code == 202
    selling.standin.complete_checkout(session_id, "async_failed")
    response = success(gate, session_id)
    assert response.status_code == 402 and "Your bank transfer did not go through" in response.text
    assert f'action="/checkout/{COURSE}"' in response.text and "Try again" in response.text
    assert 'name="csrf_token"' in response.text


# --------------------------------------------------------------------------
# 2. The entitlement cache


def test_reads_cost_no_stripe_call_while_the_cache_is_fresh(gate, selling):
    http, _ = bought(gate, selling)
    assert read(http, gate).status_code == 200
    before = gate.services.stripe_calls.count
    for _ in range(20):
        assert read(http, gate).status_code == 200
    assert gate.services.stripe_calls.count == before


def test_a_refund_webhook_revokes_within_the_cache_lifetime(gate, selling):
    http, session_id = bought(gate, selling)
    assert read(http, gate).status_code == 200
    started = time.monotonic()
    selling.standin.refund(session_id)
    assert ended(read(http, gate), "This purchase was refunded")
    assert time.monotonic() - started < 5


def test_a_refund_delivered_to_one_instance_revokes_on_another(selling, redis_url):
    """Two gates sharing a Redis: Stripe's webhook reaches one, the reader is on the other."""
    first = GateServer(selling.settings(rate_limit_storage=redis_url))
    second = GateServer(selling.settings(rate_limit_storage=redis_url))
    selling.standin.webhook_url = f"{first.url}/webhook"
    try:
        http, session_id = bought(first, selling)
        on_second = requests.Session()
        on_second.cookies.set(SIGNIN_COOKIE, http.cookies.get(SIGNIN_COOKIE))
        assert read(on_second, second).status_code == 200
        before = second.services.stripe_calls.count
        assert read(on_second, second).status_code == 200
        assert second.services.stripe_calls.count == before  # the answer came from the shared cache
        selling.standin.refund(session_id)  # delivered to the first gate only
        assert ended(read(on_second, second), "This purchase was refunded")
    finally:
        selling.standin.webhook_url = None
        first.close()
        second.close()


@pytest.mark.parametrize("change, kwargs, says", [
    ("set_subscription_status", {"status": "canceled"}, "This membership has ended"),
    ("fail_renewal", {}, "Your membership payment did not go through"),
])
def test_subscription_webhooks_revoke_at_once(gate, selling, change, kwargs, says):
    http, session_id = bought(gate, selling, "membership", "monthly")
    assert read(http, gate, "membership", MEMBERS_PAGE).status_code == 200
    getattr(selling.standin, change)(subscription_of(selling, session_id), **kwargs)
    assert ended(read(http, gate, "membership", MEMBERS_PAGE), says)


def test_past_due_keeps_access_when_the_setting_says_so(selling):
    server = GateServer(selling.settings(past_due_grants=True))
    selling.standin.webhook_url = f"{server.url}/webhook"
    try:
        http, session_id = bought(server, selling, "membership", "monthly")
        selling.standin.fail_renewal(subscription_of(selling, session_id))
        assert read(http, server, "membership", MEMBERS_PAGE).status_code == 200
    finally:
        selling.standin.webhook_url = None
        server.close()


def test_cancelling_at_period_end_keeps_access_to_the_end(gate, selling):
    http, session_id = bought(gate, selling, "membership", "monthly")
    subscription = subscription_of(selling, session_id)
    selling.client().v1.subscriptions.update(subscription, params={"cancel_at_period_end": True})
    assert read(http, gate, "membership", MEMBERS_PAGE).status_code == 200
    selling.standin.end_period(subscription)
    assert ended(read(http, gate, "membership", MEMBERS_PAGE), "This membership has ended")


def test_stripe_failing_serves_what_was_granted_until_it_expires_never_anything_new(selling, caplog):
    server = GateServer(selling.settings(entitlement_refresh=1, entitlement_ttl=300))
    selling.standin.webhook_url = f"{server.url}/webhook"
    try:
        http, _ = bought(server, selling)
        assert read(http, server).status_code == 200
        time.sleep(1.1)  # the answer is due for a refresh
        selling.standin.fail_next(429, count=50)
        caplog.set_level(logging.WARNING)
        assert read(http, server).status_code == 200  # Stripe says 429: what it granted still stands
        assert "serving the entitlements Stripe confirmed" in caplog.text
        # A reader nothing was cached for gets nothing from stale data: "try again".
        stranger = requests.Session()
        stranger.cookies.set(SIGNIN_COOKIE, http.cookies.get(SIGNIN_COOKIE).replace("x", "x"))
        server.services.entitled.drop(EMAIL)
        assert read(stranger, server).status_code == 503
    finally:
        selling.standin.webhook_url = None
        server.close()


def test_a_stripe_budget_bounds_the_calls_of_one_instance(selling):
    server = GateServer(selling.settings(stripe_budget="4 per minute"))
    try:
        responses = [requests.get(f"{server.url}/success", params={"session_id": f"cs_test_{n:020d}"}, timeout=30)
                     for n in range(8)]
        assert [r.status_code for r in responses].count(503) >= 4
        assert server.services.stripe_calls.count == 4 and server.services.stripe_calls.refused >= 4
    finally:
        server.close()


def test_the_cache_holds_no_email_address(gate, selling):
    http, _ = bought(gate, selling)
    read(http, gate)
    store = gate.services.store
    keys = list(store._items)
    assert keys and not any(EMAIL in key for key in keys)


# --------------------------------------------------------------------------
# 3. Links only from gate_url; proxies by address


def test_the_gate_will_not_start_without_gate_url(selling):
    from toolkit.errors import FolioError

    with pytest.raises(FolioError) as error:
        selling.settings(gate_url=None)
    assert "gate_url" in error.value.message


def test_host_headers_never_build_a_link(gate, selling):
    http = requests.Session()
    response = http.post(f"{gate.url}/checkout/{COURSE}", data={"plan": "one_time"},
                         headers={"Origin": SITE_ORIGIN, "Host": "evil.example", "X-Forwarded-Host": "evil.example",
                                  "X-Forwarded-Proto": "https"}, allow_redirects=False, timeout=30)
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    session = selling.client().v1.checkout.sessions.retrieve(session_id)
    assert session.success_url.startswith(gate.url + "/success?")


def test_x_forwarded_for_counts_only_through_a_named_proxy():
    from toolkit.gate.proxies import TrustedProxies

    seen = {}

    def app(environ, start_response):
        seen.update(addr=environ["REMOTE_ADDR"], scheme=environ["wsgi.url_scheme"])
        return []

    proxied = TrustedProxies(app, ["10.0.0.5", "10.1.0.0/16"])
    proxied({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4", "wsgi.url_scheme": "http"}, None)
    assert seen == {"addr": "203.0.113.9", "scheme": "http"}  # a direct connection: the header is anyone's
    proxied({"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7, 10.1.2.3",
             "HTTP_X_FORWARDED_PROTO": "https", "wsgi.url_scheme": "http"}, None)
    assert seen == {"addr": "198.51.100.7", "scheme": "https"}  # the first hop no trusted proxy vouches for


def test_proxy_hops_is_refused_with_what_to_do_instead(selling):
    from toolkit.errors import FolioError

    with pytest.raises(FolioError) as error:
        selling.settings(proxy_hops=1)
    assert "trusted_proxies" in error.value.message
    with pytest.raises(FolioError) as error:
        selling.settings(trusted_proxies=("not-an-address",))
    assert "gate.trusted_proxies: 'not-an-address'" in error.value.message


# --------------------------------------------------------------------------
# 5. Commerce


def test_buying_what_you_own_goes_to_the_library_without_a_session(gate, selling):
    http, _ = bought(gate, selling)
    sessions_before = len(selling.client().v1.checkout.sessions.list(params={"limit": 100}).data)
    again = http.post(f"{gate.url}/checkout/{COURSE}", data={"plan": "one_time"}, headers={"Origin": SITE_ORIGIN},
                      allow_redirects=False, timeout=30)
    assert again.status_code == 303 and again.headers["Location"].endswith("/library")
    assert len(selling.client().v1.checkout.sessions.list(params={"limit": 100}).data) == sessions_before


def test_one_customer_per_email_so_the_portal_sees_every_subscription(gate, selling):
    http, first = bought(gate, selling)  # signed in by the success page
    response = http.post(f"{gate.url}/checkout/membership", data={"plan": "monthly"},
                         headers={"Origin": SITE_ORIGIN}, allow_redirects=False, timeout=30)
    second = response.headers["Location"].rsplit("/", 1)[1]
    selling.standin.complete_checkout(second, "paid")
    client = selling.client()
    customers = {client.v1.checkout.sessions.retrieve(s).customer for s in (first, second)}
    assert len(customers) == 1
    assert [c.id for c in client.v1.customers.list(params={"email": EMAIL}).data] == list(customers)


def test_a_plan_change_in_the_portal_keeps_access_on_the_same_subscription(gate, selling):
    http, session_id = bought(gate, selling, "membership", "monthly")
    subscription = selling.client().v1.subscriptions.retrieve(subscription_of(selling, session_id))
    selling.client().v1.subscriptions.update(subscription.id, params={
        "items": [{"id": subscription["items"].data[0].id, "price": selling.prices["folio_membership_yearly"]}]})
    assert read(http, gate, "membership", MEMBERS_PAGE).status_code == 200
    library = http.get(f"{gate.url}/library", timeout=30)
    assert "Membership: active" in library.text


def test_a_reload_of_the_checkout_url_goes_back_to_the_products_page(gate, selling):
    response = requests.get(f"{gate.url}/checkout/{COURSE}", allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert response.headers["Location"] == "https://site.example.org/courses/async-python/01-chapter/#folio-paywall"
    assert requests.get(f"{gate.url}/checkout/course:nope", timeout=30).status_code == 404


# --------------------------------------------------------------------------
# 6. Hardening


def test_every_gate_page_has_a_content_security_policy(gate, selling):
    http, _ = bought(gate, selling)
    for response in (read(http, gate), requests.get(f"{gate.url}/signin", timeout=30),
                     requests.get(f"{gate.url}/healthz", timeout=30), success(gate, "cs_test_nope")):
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "https://site.example.org" in policy
        # Paid pages load their signed scripts, styles and fonts (KaTeX) from the storage origin.
        script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
        assert selling.storage.endpoint_url.rstrip("/") in script_src
        assert "Strict-Transport-Security" not in response.headers  # plain http on loopback


def test_hsts_over_https(selling):
    from toolkit.gate import create_app

    client = create_app(selling.settings(gate_url="https://gate.example.org")).test_client()
    response = client.get("/signin", base_url="https://gate.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("offset", [-301, 301])
def test_webhook_timestamps_outside_the_tolerance_either_way_are_refused(gate, selling, offset):
    from toolkit.sandbox.stripe.webhooks import signature_header

    body = json.dumps({"id": "evt_1", "object": "event", "type": "charge.refunded",
                       "data": {"object": {"id": "ch_1", "object": "charge"}}}).encode()
    header = signature_header(body, selling.standin.webhook_secret, int(time.time()) + offset)
    response = requests.post(f"{gate.url}/webhook", data=body, timeout=30,
                             headers={"Stripe-Signature": header, "Content-Type": "application/json"})
    assert response.status_code == 400
    near = signature_header(body, selling.standin.webhook_secret, int(time.time()) + 30)
    assert requests.post(f"{gate.url}/webhook", data=body, timeout=30,
                         headers={"Stripe-Signature": near, "Content-Type": "application/json"}).status_code == 200


# --------------------------------------------------------------------------
# 7. Events


def test_one_event_line_per_grant_read_download_refund_and_revocation(gate, selling, caplog):
    caplog.set_level(logging.INFO, logger="folio.events")
    http, session_id = bought(gate, selling)
    read(http, gate)
    key = selling.manifest.products[COURSE].downloads[0].key
    http.get(f"{gate.url}/download/{COURSE}/{key}", allow_redirects=False, timeout=30)
    selling.standin.refund(session_id)
    lines = [r.getMessage() for r in caplog.records if r.name == "folio.events"]
    events = [json.loads(line) for line in lines]
    assert [e["event"] for e in events] == ["grant", "read", "download", "refund", "revoke"]
    from toolkit.gate.events import reader_hash

    for event in events:
        assert event["v"] == 1 and event["product"] == COURSE
        assert event["reader"] == reader_hash("Reader+news@Example.com", "test-only-secret-key-0123456789abcdef")
        assert len(event["reader"]) == 16 and EMAIL not in json.dumps(event)
        assert time.strptime(event["ts"], "%Y-%m-%dT%H:%M:%SZ")
    assert events[1]["page"] == CHAPTER and events[2]["object"] == key
    assert events[0]["session"] == events[3]["session"] == events[4]["session"] == session_id
    assert events[4]["reason"] == "refund"
    assert all("X-Amz" not in line for line in lines)
