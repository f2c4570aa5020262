"""Stripe: the catalog, Checkout Sessions and fulfillment. Stripe is the ledger; nothing is stored here."""
