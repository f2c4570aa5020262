"""Builders for the Stripe objects the stand-in returns, in Stripe's published shapes.

Every builder returns a plain dict with exactly the keys (and JSON types) of Stripe's own
example object of that type; `tests/sandbox/test_stripe_shapes.py` checks them against
`../shared/stripe/fixtures.json`. Fields Folio never sets carry Stripe's defaults.
"""

from __future__ import annotations

import secrets
import string
import time

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


class _Clock:
    """The stand-in's clock: the real time, unless a test pins it to seed a past (`StripeStandIn.at`)."""

    pinned: int | None = None


CLOCK = _Clock()


def now() -> int:
    return CLOCK.pinned if CLOCK.pinned is not None else int(time.time())


def _address() -> dict:
    return {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None, "state": None}


def product(*, id, name, description, metadata, active, created) -> dict:
    return {
        "id": id, "object": "product", "active": active, "created": created, "default_price": None,
        "description": description, "images": [], "livemode": False, "marketing_features": [],
        "metadata": metadata, "name": name, "package_dimensions": None, "shippable": None,
        "statement_descriptor": None, "tax_code": None, "type": "service", "unit_label": None,
        "updated": created, "url": None,
    }


def price(*, id, product, currency, unit_amount, recurring, lookup_key, nickname, metadata, active,
          created) -> dict:
    if recurring is not None:
        recurring = {"interval": recurring["interval"], "interval_count": recurring["interval_count"],
                     "meter": None, "trial_period_days": None, "usage_type": "licensed"}
    return {
        "id": id, "object": "price", "active": active, "billing_scheme": "per_unit", "created": created,
        "currency": currency, "custom_unit_amount": None, "livemode": False, "lookup_key": lookup_key,
        "metadata": metadata, "nickname": nickname, "product": product, "recurring": recurring,
        "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None,
        "type": "one_time" if recurring is None else "recurring", "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }


def plan(price: dict) -> dict:
    """The legacy `plan` view of a recurring price, as subscription items still carry it."""
    return {
        "id": price["id"], "object": "plan", "active": price["active"], "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"], "billing_scheme": "per_unit",
        "created": price["created"], "currency": price["currency"],
        "interval": price["recurring"]["interval"], "interval_count": price["recurring"]["interval_count"],
        "livemode": False, "metadata": dict(price["metadata"]), "meter": None,
        "nickname": price["nickname"], "product": price["product"], "tiers_mode": None,
        "transform_usage": None, "trial_period_days": None, "usage_type": "licensed",
    }


def customer(*, id, email, name, metadata, created) -> dict:
    return {
        "id": id, "object": "customer", "address": None, "balance": 0, "created": created,
        "currency": None, "default_source": None, "delinquent": False, "description": None,
        "discount": None, "email": email, "invoice_prefix": secrets.token_hex(4).upper(),
        "invoice_settings": {"custom_fields": None, "default_payment_method": None, "footer": None,
                             "rendering_options": None},
        "livemode": False, "metadata": metadata, "name": name, "next_invoice_sequence": 1,
        "phone": None, "preferred_locales": [], "shipping": None, "tax_exempt": "none",
        "test_clock": None,
    }


def checkout_session(*, id, url, mode, currency, amount_subtotal, amount_total, customer,
                     customer_email, customer_creation, client_reference_id, metadata, success_url,
                     cancel_url, created, expires_at) -> dict:
    return {
        "id": id, "object": "checkout.session", "adaptive_pricing": {"enabled": False},
        "after_expiration": None, "allow_promotion_codes": None, "amount_subtotal": amount_subtotal,
        "amount_total": amount_total,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": None, "cancel_url": cancel_url,
        "client_reference_id": client_reference_id, "client_secret": None,
        "collected_information": None, "consent": None, "consent_collection": None,
        "created": created, "currency": currency, "currency_conversion": None, "custom_fields": [],
        "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                        "terms_of_service_acceptance": None},
        "customer": customer, "customer_account": None, "customer_creation": customer_creation,
        "customer_details": None, "customer_email": customer_email, "discounts": [],
        "expires_at": expires_at, "integration_identifier": None, "invoice": None,
        "invoice_creation": None if mode != "payment" else {
            "enabled": False,
            "invoice_data": {"account_tax_ids": None, "custom_fields": None, "description": None,
                             "footer": None, "issuer": None, "metadata": {}, "rendering_options": None},
        },
        "livemode": False, "locale": None, "managed_payments": {"enabled": False},
        "metadata": metadata, "mode": mode, "origin_context": None, "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "always" if mode == "subscription" else None,
        "payment_method_configuration_details": None, "payment_method_options": {},
        "payment_method_types": ["card"], "payment_status": "unpaid", "permissions": None,
        "phone_number_collection": {"enabled": False}, "recovered_from": None,
        "saved_payment_method_options": None, "setup_intent": None,
        "shipping_address_collection": None, "shipping_cost": None, "shipping_options": [],
        "status": "open", "submit_type": None, "subscription": None, "success_url": success_url,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted", "url": url, "wallet_options": None,
    }


def customer_details(email: str | None) -> dict:
    return {"address": _address(), "business_name": None, "email": email, "individual_name": None,
            "name": None, "phone": None, "tax_exempt": "none", "tax_ids": []}


def line_item(*, id, price, quantity, description) -> dict:
    """A Checkout Session line item (object `item`); `price` is the full price object."""
    subtotal = price["unit_amount"] * quantity
    return {
        "id": id, "object": "item", "adjustable_quantity": None, "amount_discount": 0,
        "amount_subtotal": subtotal, "amount_tax": 0, "amount_total": subtotal,
        "currency": price["currency"], "description": description, "price": price,
        "quantity": quantity,
    }


def payment_intent(*, id, amount, currency, customer, metadata, created, status) -> dict:
    return {
        "id": id, "object": "payment_intent", "amount": amount, "amount_capturable": 0,
        "amount_details": {"tip": {}}, "amount_received": 0, "application": None,
        "application_fee_amount": None, "automatic_payment_methods": {"enabled": True},
        "canceled_at": None, "cancellation_reason": None, "capture_method": "automatic_async",
        "client_secret": f"{id}_secret_{new_id('', 25)}", "confirmation_method": "automatic",
        "created": created, "currency": currency, "customer": customer, "customer_account": None,
        "description": None, "excluded_payment_method_types": None, "last_payment_error": None,
        "latest_charge": None, "livemode": False, "managed_payments": {"enabled": False},
        "metadata": metadata, "next_action": None, "on_behalf_of": None, "payment_method": None,
        "payment_method_configuration_details": None, "payment_method_options": {},
        "payment_method_types": ["card"], "processing": None, "receipt_email": None, "review": None,
        "setup_future_usage": None, "shipping": None, "source": None, "statement_descriptor": None,
        "statement_descriptor_suffix": None, "status": status, "transfer_data": None,
        "transfer_group": None,
    }


def _card_details(amount: int) -> dict:
    return {
        "amount_authorized": amount, "authorization_code": None, "brand": "visa",
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
        "country": "US", "exp_month": 12, "exp_year": 2034,
        "extended_authorization": {"status": "disabled"}, "fingerprint": new_id("", 16),
        "funding": "credit", "incremental_authorization": {"status": "unavailable"},
        "installments": None, "last4": "4242", "mandate": None,
        "multicapture": {"status": "unavailable"}, "network": "visa",
        "network_token": {"used": False}, "network_transaction_id": new_id("", 15),
        "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
        "regulated_status": "unregulated", "three_d_secure": None, "transaction_link_id": None,
        "wallet": None,
    }


def charge(*, id, amount, currency, customer, payment_intent, email, metadata, created,
           base_url) -> dict:
    return {
        "id": id, "object": "charge", "amount": amount, "amount_captured": amount,
        "amount_refunded": 0, "application": None, "application_fee": None,
        "application_fee_amount": None, "balance_transaction": new_id("txn_"),
        "billing_details": {"address": _address(), "email": email, "name": None, "phone": None,
                            "tax_id": None},
        "calculated_statement_descriptor": "FOLIO SANDBOX", "captured": True, "created": created,
        "currency": currency, "customer": customer, "description": None, "disputed": False,
        "failure_balance_transaction": None, "failure_code": None, "failure_message": None,
        "fraud_details": {}, "livemode": False, "metadata": metadata, "on_behalf_of": None,
        "outcome": {"advice_code": None, "network_advice_code": None, "network_decline_code": None,
                    "network_status": "approved_by_network", "reason": None,
                    "seller_message": "Payment complete.", "type": "authorized"},
        "paid": True, "payment_intent": payment_intent, "payment_method": new_id("pm_"),
        "payment_method_details": {"card": _card_details(amount), "type": "card"},
        "receipt_email": email, "receipt_number": None,
        "receipt_url": f"{base_url}/receipts/{id}", "refunded": False,
        "refunds": {"object": "list", "data": [], "has_more": False, "url": f"/v1/charges/{id}/refunds"},
        "review": None, "shipping": None, "source": None, "source_transfer": None,
        "statement_descriptor": None, "statement_descriptor_suffix": None, "status": "succeeded",
        "transfer_data": None, "transfer_group": None,
    }


def refund(*, id, amount, charge, currency, customer, payment_intent, reason, metadata, created) -> dict:
    return {
        "id": id, "object": "refund", "amount": amount, "balance_transaction": new_id("txn_"),
        "charge": charge, "created": created, "currency": currency, "customer": customer,
        "customer_account": None,
        "destination_details": {"card": {"type": "refund"}, "type": "card"},
        "metadata": metadata, "payment_intent": payment_intent, "payment_method": None,
        "reason": reason, "receipt_number": None, "source_transfer_reversal": None,
        "status": "succeeded", "transfer_reversal": None,
    }


_EVIDENCE = (
    "access_activity_log billing_address cancellation_policy cancellation_policy_disclosure "
    "cancellation_rebuttal customer_communication customer_email_address customer_name "
    "customer_purchase_ip customer_signature duplicate_charge_documentation "
    "duplicate_charge_explanation duplicate_charge_id product_description receipt refund_policy "
    "refund_policy_disclosure refund_refusal_explanation service_date service_documentation "
    "shipping_address shipping_carrier shipping_date shipping_documentation "
    "shipping_tracking_number uncategorized_file uncategorized_text"
).split()


def dispute(*, id, amount, charge, currency, payment_intent, reason, created) -> dict:
    evidence = {name: None for name in _EVIDENCE}
    evidence["enhanced_evidence"] = {}
    return {
        "id": id, "object": "dispute", "amount": amount, "balance_transactions": [],
        "charge": charge, "created": created, "currency": currency,
        "enhanced_eligibility_types": [], "evidence": evidence,
        "evidence_details": {"due_by": created + 14 * 86400, "enhanced_eligibility": {},
                             "has_evidence": False, "past_due": False, "submission_count": 0},
        "is_charge_refundable": False, "livemode": False, "metadata": {},
        "payment_intent": payment_intent,
        "payment_method_details": {"card": {"brand": "visa", "case_type": "chargeback",
                                            "network": "visa", "network_reason_code": "10.4"},
                                   "type": "card"},
        "reason": reason, "status": "needs_response",
    }


def subscription(*, id, customer, items, currency, metadata, status, created, period_end) -> dict:
    return {
        "id": id, "object": "subscription", "application": None, "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": created, "billing_cycle_anchor_config": None,
        "billing_mode": {"flexible": None, "type": "classic"}, "billing_schedules": [],
        "billing_thresholds": None, "cancel_at": None, "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically", "created": created, "currency": currency,
        "customer": customer, "customer_account": None, "days_until_due": None,
        "default_payment_method": None, "default_source": None, "default_tax_rates": [],
        "description": None, "discounts": [], "ended_at": None,
        "invoice_settings": {"account_tax_ids": None, "custom_fields": None, "description": None,
                             "footer": None, "issuer": {"type": "self"}},
        "items": {"object": "list", "data": items, "has_more": False,
                  "url": f"/v1/subscription_items?subscription={id}"},
        "latest_invoice": None, "livemode": False, "managed_payments": {"enabled": False},
        "metadata": metadata, "next_pending_invoice_item_invoice": None, "on_behalf_of": None,
        "pause_collection": None,
        "payment_settings": {"payment_method_options": None, "payment_method_types": None,
                             "save_default_payment_method": "off"},
        "pending_invoice_item_interval": None, "pending_setup_intent": None, "pending_update": None,
        "schedule": None, "start_date": created, "status": status, "test_clock": None,
        "transfer_data": None, "trial_end": None,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": None,
    }


def subscription_item(*, id, subscription, price, quantity, created, period_end) -> dict:
    return {
        "id": id, "object": "subscription_item", "billing_thresholds": None, "created": created,
        "current_period_end": period_end, "current_period_start": created, "discounts": [],
        "metadata": {}, "plan": plan(price), "price": price, "quantity": quantity,
        "subscription": subscription, "tax_rates": [],
    }


def portal_session(*, id, customer, return_url, url, created) -> dict:
    return {
        "id": id, "object": "billing_portal.session", "configuration": new_id("bpc_"),
        "created": created, "customer": customer, "customer_account": None, "flow": None,
        "livemode": False, "locale": None, "on_behalf_of": None, "return_url": return_url,
        "url": url,
    }


def event(*, id, type, data_object, previous_attributes, created, api_version, pending_webhooks,
          request_id, idempotency_key) -> dict:
    data = {"object": data_object}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": id, "object": "event", "api_version": api_version, "created": created, "data": data,
        "livemode": False, "pending_webhooks": pending_webhooks,
        "request": {"id": request_id, "idempotency_key": idempotency_key}, "type": type,
    }
