"""Every object the stand-in returns has the keys and JSON types of Stripe's published example.

The examples are Stripe's own (`stripe_openapi/fixtures.json`, from stripe/openapi). A
null on either side matches any type (Stripe's nullable fields); a `{}` in the example is a
free-form map (metadata and the like); everything else must agree, nested objects included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sandbox.stripe_fixtures import checkout, make_price, stripe_client, stripe_standin  # noqa: F401

# A copy of Stripe's published examples, with its licence, kept with the tests that use it.
FIXTURES = Path(__file__).resolve().parent / "stripe_openapi" / "fixtures.json"

# Where an example holds another object of whatever type (checked under its own type).
POLYMORPHIC = {("event", "data.object")}


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "list", dict: "object"}[type(value)]


def differences(kind: str, ours, theirs, path: str = "") -> list[str]:
    if (kind, path) in POLYMORPHIC or ours is None or theirs is None:
        return []
    where = path or "(top)"
    if json_type(ours) != json_type(theirs):
        return [f"{where}: stand-in has {json_type(ours)}, Stripe has {json_type(theirs)}"]
    if isinstance(theirs, dict):
        if not theirs:
            return []
        problems = [f"{where}: missing key {key!r}" for key in sorted(theirs.keys() - ours.keys())]
        problems += [f"{where}: extra key {key!r}" for key in sorted(ours.keys() - theirs.keys())]
        for key in sorted(theirs.keys() & ours.keys()):
            problems += differences(kind, ours[key], theirs[key], f"{path}.{key}".lstrip("."))
        return problems
    if isinstance(theirs, list) and ours and theirs:
        return differences(kind, ours[0], theirs[0], f"{path}[0]")
    return []


def raw(stripe_object) -> dict:
    """The JSON the stand-in sent, not stripe-python's view of it."""
    return json.loads(stripe_object.last_response.body)


@pytest.fixture
def returned(stripe_standin, stripe_client) -> dict[str, dict]:
    """One object of every type Folio uses, as the stand-in returns it over HTTP."""
    client = stripe_client
    course = make_price(client, 4900, lookup_key="folio_course_async-python")
    monthly = make_price(client, 900, recurring="month")
    paid = checkout(client, course, metadata={"product": "course:async-python"})
    stripe_standin.complete_checkout(paid.id)
    session = client.v1.checkout.sessions.retrieve(paid.id)
    intent = client.v1.payment_intents.retrieve(session.payment_intent)
    charge = client.v1.charges.retrieve(intent.latest_charge)
    refund = client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 100})
    stripe_standin.dispute(paid.id)
    dispute = client.v1.disputes.list().data[0]
    member = checkout(client, monthly, mode="subscription")
    stripe_standin.complete_checkout(member.id)
    subscription = client.v1.subscriptions.retrieve(client.v1.checkout.sessions.retrieve(member.id).subscription)
    customer = client.v1.customers.retrieve(subscription.customer)
    portal = client.v1.billing_portal.sessions.create(params={"customer": customer.id,
                                                              "return_url": "https://site.example/"})
    event = client.v1.events.list(params={"type": "checkout.session.completed", "limit": 1}).data[0]
    invoice = client.v1.invoices.list(params={"subscription": subscription.id}).data[0]
    objects = {
        "product": raw(client.v1.products.retrieve(course.product)),
        "price": raw(course),
        "checkout.session": raw(session),
        "payment_intent": raw(intent),
        "charge": raw(charge),
        "refund": raw(refund),
        "dispute": raw(client.v1.disputes.retrieve(dispute.id)),
        "subscription": raw(subscription),
        "customer": raw(customer),
        "billing_portal.session": raw(portal),
        "event": raw(client.v1.events.retrieve(event.id)),
        "invoice": raw(client.v1.invoices.retrieve(invoice.id)),
    }
    objects["subscription_item"] = objects["subscription"]["items"]["data"][0]
    objects["line_item"] = objects["invoice"]["lines"]["data"][0]
    return objects


TYPES = ["product", "price", "checkout.session", "payment_intent", "charge", "refund", "dispute",
         "subscription", "subscription_item", "customer", "billing_portal.session", "event", "invoice", "line_item"]


def test_every_type_folio_uses_is_checked():
    published = set(json.loads(FIXTURES.read_text())["resources"])
    # `line_item` is an invoice's line (`folio report` reads membership invoices).
    assert published - set(TYPES) == set()


@pytest.mark.parametrize("kind", TYPES)
def test_the_object_has_stripes_keys_and_json_types(kind, returned):
    published = json.loads(FIXTURES.read_text())["resources"][kind]
    ours = returned[kind]
    assert ours["object"] == published["object"]
    assert differences(kind, ours, published) == []


def test_the_comparison_notices_a_missing_key_or_a_wrong_type():
    published = {"id": "x", "amount": 1, "nested": {"a": None, "b": "s"}}
    assert differences("t", {"id": "y", "amount": "1", "nested": {"a": 2}}, published) == [
        "amount: stand-in has string, Stripe has number", "nested: missing key 'b'"]
