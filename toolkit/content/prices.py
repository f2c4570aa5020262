"""Prices as authors write them (`49 USD`, `299 CNY`) and as Stripe wants them (minor units)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Active ISO 4217 codes. Stripe supports most of them; an unknown code is an author's typo.
ISO_CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL""".split()
)
# Currencies whose minor unit is not a hundredth (Stripe's zero- and three-decimal lists).
_EXPONENT = {c: 0 for c in "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()}
_EXPONENT.update({c: 3 for c in "BHD JOD KWD OMR TND".split()})

_PRICE = re.compile(r"^\s*(?P<amount>[-+]?\d+(?:\.\d+)?)\s+(?P<currency>[A-Za-z]{3})\s*$")


class PriceError(ValueError):
    """The text is not a valid price; the message says why and how to write one."""


@dataclass(frozen=True)
class Price:
    """An amount in the currency's minor unit (cents), as Stripe's `unit_amount` expects."""

    amount: int
    currency: str
    display: str

    @classmethod
    def parse(cls, text: object) -> "Price":
        """The price written as `49 USD`; raises PriceError with a fix-it message."""
        if isinstance(text, bool) or not isinstance(text, (str, int, float)):
            raise PriceError("must be an amount and an ISO currency, e.g. `49 USD`")
        match = _PRICE.match(str(text))
        if not match:
            raise PriceError(
                f"`{text}` is not a price: write an amount and an ISO currency, e.g. `49 USD` "
                "(omit `price` for a free course)"
            )
        currency = match["currency"].upper()
        if currency not in ISO_CURRENCIES:
            raise PriceError(f"`{match['currency']}` is not an ISO 4217 currency code (e.g. USD, EUR, CNY)")
        try:
            amount = Decimal(match["amount"])
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
            raise PriceError(f"`{match['amount']}` is not a number") from exc
        if amount <= 0:
            raise PriceError(f"must be more than zero, got {match['amount']}")
        exponent = _EXPONENT.get(currency, 2)
        minor = amount.scaleb(exponent)
        if minor != minor.to_integral_value():
            raise PriceError(f"{currency} has {exponent} decimal places; `{match['amount']}` has more")
        return cls(int(minor), currency, f"{match['amount']} {currency}")

    @property
    def exponent(self) -> int:
        """Decimal places of the currency's minor unit (2 for USD, 0 for JPY)."""
        return _EXPONENT.get(self.currency, 2)

    @property
    def major(self) -> str:
        """The amount in major units as a decimal string, e.g. `49.00` (schema.org's `price`)."""
        return f"{Decimal(self.amount).scaleb(-self.exponent):.{self.exponent}f}"

    def as_dict(self, plan: str) -> dict:
        return {"plan": plan, "amount": self.amount, "currency": self.currency, "display": self.display}


def format_minor(amount: int, currency: str) -> str:
    """`4900, "usd"` -> `49.00 USD`: an amount in minor units (as Stripe reports it) for people."""
    code = currency.upper()
    exponent = _EXPONENT.get(code, 2)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f} {code}"
