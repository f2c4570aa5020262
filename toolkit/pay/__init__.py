"""Stripe: the catalog (Products and Prices as code), Checkout and fulfillment.

stripe-python is imported inside functions so `folio --help` stays fast.
"""
