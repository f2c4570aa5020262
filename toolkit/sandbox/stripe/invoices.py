"""Invoices for memberships: what Stripe bills each period of a subscription, paid at once.

Only what `folio report` reads: a paid invoice per subscription period (the first when the
Checkout Session settles, the next ones by `StripeStandIn.renew`). The stand-in charges
no card for them (membership revenue is read from the invoices, never from charges).
"""

from __future__ import annotations

from toolkit.sandbox.stripe.objects import _address, new_id

_PAYMENT_METHOD_OPTIONS = {
    "acss_debit": {}, "bancontact": {"preferred_language": "en"}, "card": {"request_three_d_secure": None},
    "customer_balance": {"funding_type": None}, "konbini": {}, "payto": {}, "pix": {"amount_includes_iof": None},
    "sepa_debit": {}, "upi": {}, "us_bank_account": {},
}


def invoice_line(*, invoice_id, item, subscription_id, period_start, period_end) -> dict:
    """One line of a subscription invoice: a subscription item's price for one period."""
    price = item["price"]
    amount = price["unit_amount"] * item["quantity"]
    return {
        "amount": amount, "currency": price["currency"], "description": f"1 × membership ({price['id']})",
        "discount_amounts": [], "discountable": True, "discounts": [], "id": new_id("il_"),
        "invoice": invoice_id, "livemode": False, "metadata": {}, "object": "line_item",
        "parent": {
            "invoice_item_details": None,
            "subscription_item_details": {"invoice_item": None, "proration": False, "proration_details": None,
                                          "subscription": subscription_id, "subscription_item": item["id"]},
            "type": "subscription_item_details"},
        "period": {"end": period_end, "start": period_start}, "pretax_credit_amounts": None,
        "pricing": {"type": "price_details", "unit_amount_decimal": str(price["unit_amount"])},
        "quantity": item["quantity"], "quantity_decimal": str(item["quantity"]), "subscription": subscription_id,
        "subtotal": amount, "taxes": [],
    }


def paid_invoice(*, subscription: dict, email: str | None, created: int, period_start: int, period_end: int,
                 billing_reason: str) -> dict:
    """A paid invoice for one period of `subscription`, in Stripe's shape."""
    invoice_id = new_id("in_")
    lines = [invoice_line(invoice_id=invoice_id, item=item, subscription_id=subscription["id"],
                          period_start=period_start, period_end=period_end)
             for item in subscription["items"]["data"]]
    total = sum(line["amount"] for line in lines)
    return {
        "account_country": "US", "account_name": "Folio sandbox", "account_tax_ids": None,
        "amount_due": total, "amount_overpaid": 0, "amount_paid": total, "amount_remaining": 0,
        "amount_shipping": 0, "application": None, "attempt_count": 1, "attempted": True, "auto_advance": False,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None, "provider": None,
                          "status": None},
        "automatically_finalizes_at": None, "billing_reason": billing_reason,
        "collection_method": "charge_automatically", "created": created, "currency": subscription["currency"],
        "custom_fields": None, "customer": subscription["customer"], "customer_account": None,
        "customer_address": _address(), "customer_email": email, "customer_name": None, "customer_phone": None,
        "customer_shipping": None, "customer_tax_exempt": "none", "customer_tax_ids": [],
        "default_payment_method": None, "default_source": None, "default_tax_rates": [], "description": None,
        "discounts": [], "due_date": None, "effective_at": created, "ending_balance": 0, "footer": None,
        "from_invoice": None, "hosted_invoice_url": None, "id": invoice_id, "invoice_pdf": None,
        "issuer": {"type": "self"}, "last_finalization_error": None, "latest_revision": None,
        "lines": {"data": lines, "has_more": False, "object": "list", "url": f"/v1/invoices/{invoice_id}/lines"},
        "livemode": False, "metadata": {}, "next_payment_attempt": None, "number": None, "object": "invoice",
        "on_behalf_of": None,
        "parent": {"quote_details": None,
                   "subscription_details": {"metadata": dict(subscription["metadata"]),
                                            "subscription": subscription["id"]},
                   "type": "subscription_details"},
        "payment_settings": {"default_mandate": None, "payment_method_options": dict(_PAYMENT_METHOD_OPTIONS),
                             "payment_method_types": None},
        "period_end": period_end, "period_start": period_start, "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0, "receipt_number": None,
        "rendering": {"amount_tax_display": None, "pdf": {"page_size": None}, "template": None,
                      "template_version": None},
        "shipping_cost": None, "shipping_details": None, "starting_balance": 0, "statement_descriptor": None,
        "status": "paid",
        "status_transitions": {"finalized_at": created, "marked_uncollectible_at": None, "paid_at": created,
                               "voided_at": None},
        "subscription": None, "subtotal": total, "subtotal_excluding_tax": total, "test_clock": None,
        "total": total, "total_discount_amounts": [], "total_excluding_tax": total,
        "total_pretax_credit_amounts": None, "total_taxes": [], "webhooks_delivered_at": created,
    }
