"""The Stripe stand-in speaks Stripe's API to the real stripe-python client."""

from __future__ import annotations

import threading

import pytest
import stripe

from tests.sandbox.stripe_fixtures import checkout, make_price, stripe_client, stripe_standin  # noqa: F401


# --- authentication and errors ---------------------------------------------------------


def test_a_wrong_api_key_is_refused_with_401(stripe_standin):
    client = stripe.StripeClient("sk_test_wrong", base_addresses={"api": stripe_standin.url})
    with pytest.raises(stripe.AuthenticationError) as caught:
        client.v1.products.list()
    assert caught.value.http_status == 401
    assert caught.value.error.type == "invalid_request_error"


def test_a_missing_api_key_is_refused_with_401(stripe_standin):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{stripe_standin.url}/v1/products")
    assert caught.value.code == 401
    assert "did not provide an API key" in caught.value.read().decode()


def test_an_unknown_object_is_a_404_with_stripe_error_json(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.retrieve("price_nope")
    error = caught.value
    assert error.http_status == 404
    assert error.code == "resource_missing"
    assert error.param == "id"
    assert error.json_body["error"]["message"] == "No such price: 'price_nope'"


def test_a_missing_or_unknown_parameter_is_a_400_naming_it(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.create(params={"currency": "usd", "product": "prod_x"})
    assert (caught.value.http_status, caught.value.param) == (400, "unit_amount")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"name": "x", "colour": "red"})
    assert caught.value.code == "parameter_unknown" and caught.value.param == "colour"


# --- products and prices ---------------------------------------------------------------


def test_prices_are_found_by_lookup_key_and_the_key_moves_with_transfer(stripe_client):
    old = make_price(stripe_client, 4900, lookup_key="folio_course_async-python")
    found = stripe_client.v1.prices.list(params={"lookup_keys": ["folio_course_async-python"]})
    assert [p.id for p in found.data] == [old.id]

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.create(params={"product": old.product, "unit_amount": 5900,
                                                "currency": "usd", "lookup_key": "folio_course_async-python"})
    assert caught.value.param == "lookup_key"

    new = stripe_client.v1.prices.create(params={
        "product": old.product, "unit_amount": 5900, "currency": "usd",
        "lookup_key": "folio_course_async-python", "transfer_lookup_key": True})
    stripe_client.v1.prices.update(old.id, params={"active": False})
    found = stripe_client.v1.prices.list(params={"lookup_keys": ["folio_course_async-python"]})
    assert [(p.id, p.unit_amount) for p in found.data] == [(new.id, 5900)]
    archived = stripe_client.v1.prices.retrieve(old.id)
    assert (archived.active, archived.lookup_key) == (False, None)
    assert [p.id for p in stripe_client.v1.prices.list(params={"active": True}).data] == [new.id]


def test_recurring_prices_carry_their_interval(stripe_client):
    price = make_price(stripe_client, 900, recurring="month")
    assert (price.type, price.recurring.interval, price.recurring.interval_count) == ("recurring", "month", 1)


def test_lists_paginate_newest_first(stripe_client):
    ids = [stripe_client.v1.products.create(params={"name": f"P{i}"}).id for i in range(13)]
    page = stripe_client.v1.products.list(params={"limit": 5})
    assert [p.id for p in page.data] == ids[::-1][:5] and page.has_more
    page = stripe_client.v1.products.list(params={"limit": 5, "starting_after": ids[8]})
    assert [p.id for p in page.data] == ids[::-1][5:10]
    assert [p.id for p in stripe_client.v1.products.list(params={"limit": 4}).auto_paging_iter()] == ids[::-1]


# --- checkout sessions -----------------------------------------------------------------


def test_a_checkout_session_is_open_until_paid_then_complete_with_its_line_items(stripe_standin, stripe_client):
    price = make_price(stripe_client)
    session = checkout(stripe_client, price, client_reference_id="course:async-python",
                       metadata={"product": "course:async-python"}, customer_email="ada@example.com")
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert session.url == f"{stripe_standin.url}/pay/{session.id}"
    assert session.amount_total == 4900 and session.currency == "usd"

    stripe_standin.complete_checkout(session.id, "paid")
    paid = stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items"]})
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.client_reference_id == "course:async-python"
    assert paid.metadata["product"] == "course:async-python"
    assert paid.customer_details.email == "ada@example.com"
    assert [(item.price.id, item.quantity) for item in paid.line_items.data] == [(price.id, 1)]
    intent = stripe_client.v1.payment_intents.retrieve(paid.payment_intent)
    assert (intent.status, intent.amount_received) == ("succeeded", 4900)
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert charge.paid and not charge.refunded


def test_sessions_are_listed_by_customer_and_by_buyer_email(stripe_standin, stripe_client):
    price = make_price(stripe_client)
    customer = stripe_client.v1.customers.create(params={"email": "ada@example.com"})
    mine = checkout(stripe_client, price, customer=customer.id)
    other = checkout(stripe_client, price, customer_email="bob@example.com")
    stripe_standin.complete_checkout(mine.id)
    stripe_standin.complete_checkout(other.id)
    by_customer = stripe_client.v1.checkout.sessions.list(params={"customer": customer.id})
    assert [s.id for s in by_customer.data] == [mine.id]
    by_email = stripe_client.v1.checkout.sessions.list(params={"customer_details": {"email": "bob@example.com"}})
    assert [s.id for s in by_email.data] == [other.id]


def test_a_session_can_be_expired_once(stripe_client):
    session = checkout(stripe_client, make_price(stripe_client))
    assert stripe_client.v1.checkout.sessions.expire(session.id).status == "expired"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.checkout.sessions.expire(session.id)


def test_session_and_payment_intent_metadata_can_be_updated(stripe_standin, stripe_client):
    session = checkout(stripe_client, make_price(stripe_client), metadata={"product": "course:a"})
    stripe_standin.complete_checkout(session.id)
    updated = stripe_client.v1.checkout.sessions.update(session.id, params={"metadata": {"receipt_sent": "1"}})
    assert updated.metadata.to_dict() == {"product": "course:a", "receipt_sent": "1"}
    intent = stripe_client.v1.payment_intents.update(updated.payment_intent,
                                                     params={"metadata": {"receipt_sent": "1"}})
    assert intent.metadata["receipt_sent"] == "1"


def test_mode_and_price_type_must_agree(stripe_client):
    with pytest.raises(stripe.InvalidRequestError, match="recurring price"):
        checkout(stripe_client, make_price(stripe_client, recurring="month"), mode="payment")
    with pytest.raises(stripe.InvalidRequestError, match="recurring price"):
        checkout(stripe_client, make_price(stripe_client), mode="subscription")


# --- idempotency -----------------------------------------------------------------------


def test_the_same_idempotency_key_and_body_replays_the_first_answer(stripe_client):
    options = {"idempotency_key": "create-course-a"}
    first = stripe_client.v1.products.create(params={"name": "A"}, options=options)
    again = stripe_client.v1.products.create(params={"name": "A"}, options=options)
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(stripe_client.v1.products.list().data) == 1


def test_the_same_idempotency_key_with_another_body_is_a_400(stripe_client):
    stripe_client.v1.products.create(params={"name": "A"}, options={"idempotency_key": "k1"})
    with pytest.raises(stripe.IdempotencyError) as caught:
        stripe_client.v1.products.create(params={"name": "B"}, options={"idempotency_key": "k1"})
    assert caught.value.http_status == 400


def test_concurrent_requests_with_one_idempotency_key_create_one_object(stripe_client):
    ids, threads = [], []
    for _ in range(10):
        thread = threading.Thread(target=lambda: ids.append(stripe_client.v1.products.create(
            params={"name": "A"}, options={"idempotency_key": "same"}).id))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 10 and len(set(ids)) == 1


# --- faults ----------------------------------------------------------------------------


def test_injected_429_and_500_answer_with_stripe_errors_then_recover(stripe_standin, stripe_client):
    stripe_standin.fail_next(429)
    with pytest.raises(stripe.RateLimitError) as caught:
        stripe_client.v1.products.list()
    assert caught.value.http_status == 429
    stripe_standin.fail_next(500, count=2)
    for _ in range(2):
        with pytest.raises(stripe.APIError) as caught:
            stripe_client.v1.products.list()
        assert caught.value.http_status == 500
    assert stripe_client.v1.products.list().data == []


def test_a_dropped_connection_is_a_connection_error(stripe_standin, stripe_client):
    stripe_standin.drop_next()
    with pytest.raises(stripe.APIConnectionError):
        stripe_client.v1.products.list()
    assert stripe_client.v1.products.list().data == []


def test_stripe_python_retries_through_a_500_with_retries_on(stripe_standin):
    client = stripe_standin.client(max_network_retries=2)
    stripe_standin.fail_next(500)
    assert client.v1.products.create(params={"name": "A"}).name == "A"
    assert len(client.v1.products.list().data) == 1


def test_an_answer_lost_after_processing_is_replayed_for_the_same_idempotency_key(stripe_standin, stripe_client):
    stripe_standin.drop_next(after_processing=True)
    with pytest.raises(stripe.APIConnectionError):
        stripe_client.v1.products.create(params={"name": "A"}, options={"idempotency_key": "once"})
    # The product was made although the caller never heard so; the retry gets that same one.
    made = stripe_client.v1.products.list().data
    assert len(made) == 1
    again = stripe_client.v1.products.create(params={"name": "A"}, options={"idempotency_key": "once"})
    assert again.id == made[0].id and len(stripe_client.v1.products.list().data) == 1


def test_the_module_level_client_works_through_api_base(stripe_standin, monkeypatch):
    monkeypatch.setattr(stripe, "api_key", stripe_standin.api_key)
    monkeypatch.setattr(stripe, "api_base", stripe_standin.url)
    product = stripe.Product.create(name="Membership")
    assert stripe.Product.retrieve(product.id).name == "Membership"


def test_connections_are_kept_alive_like_stripes_and_closed_on_stop(stripe_standin):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", stripe_standin.port, timeout=5)
    headers = {"Authorization": f"Bearer {stripe_standin.api_key}"}
    for _ in range(3):
        connection.request("GET", "/v1/products", headers=headers)
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Connection") != "close"
        assert response.read().startswith(b'{"object": "list"')
    stripe_standin.stop()
    with pytest.raises((http.client.HTTPException, OSError)):
        connection.request("GET", "/v1/products", headers=headers)
        connection.getresponse()
