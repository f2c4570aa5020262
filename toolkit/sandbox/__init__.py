"""Loopback stand-ins for outside services, for the tests and `folio serve --sandbox` only.

Nothing here is used in production: the stand-ins speak the same HTTP APIs as the real
services so that Folio's real clients (stripe-python, boto3, smtplib) can talk to them.
"""
