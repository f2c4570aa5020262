"""Stripe's error JSON (`{"error": {"type", "code", "message", "param"}}`) as an exception."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StripeError(Exception):
    """An API error answered with `status` and Stripe's error body."""

    status: int
    type: str
    message: str
    code: str | None = None
    param: str | None = None

    def body(self) -> dict:
        error = {"type": self.type, "code": self.code, "message": self.message, "param": self.param}
        return {"error": error}

    def __str__(self) -> str:
        return self.message


def invalid(message: str, param: str | None = None, code: str | None = None, status: int = 400) -> StripeError:
    return StripeError(status, "invalid_request_error", message, code, param)


def no_such(kind: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(404, "invalid_request_error", f"No such {kind}: '{object_id}'", "resource_missing", param)
