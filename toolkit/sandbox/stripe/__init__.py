"""A stateful stand-in for the part of Stripe's HTTP API that Folio uses (tests and sandbox only).

    from toolkit.sandbox.stripe import StripeStandIn
    with StripeStandIn() as standin:
        client = stripe.StripeClient(standin.api_key, base_addresses={"api": standin.url})

No existing package fits: localstripe has no Prices or Checkout Sessions, and
stripe-mock is stateless. Modules: `ledger` (objects and Stripe's rules), `api` (the
/v1 HTTP front: auth, idempotency, pagination, expand), `pages` (hosted Checkout and the
billing portal), `webhooks` (signed delivery), `server` (the threaded server and the
Python API tests drive), `objects` (Stripe's object shapes), `forms` (Stripe's form encoding).
"""

from toolkit.sandbox.stripe.errors import StripeError
from toolkit.sandbox.stripe.server import StripeStandIn
from toolkit.sandbox.stripe.webhooks import Delivery, signature_header

__all__ = ["Delivery", "StripeError", "StripeStandIn", "signature_header"]
