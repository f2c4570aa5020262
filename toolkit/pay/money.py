"""Amounts in a currency's minor unit (as Stripe and the manifest hold them), for people to read."""

from __future__ import annotations

# Currencies Stripe counts in whole units (no cents): https://docs.stripe.com/currencies
ZERO_DECIMAL = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf",
                          "ugx", "vnd", "vuv", "xaf", "xof", "xpf"})


def format_amount(amount: int, currency: str) -> str:
    """4900, "usd" -> "49.00 USD"; 500, "jpy" -> "500 JPY"."""
    if currency.lower() in ZERO_DECIMAL:
        return f"{amount} {currency.upper()}"
    return f"{amount / 100:.2f} {currency.upper()}"
