"""The client's address, through reverse proxies named by address (`gate.trusted_proxies`).

`X-Forwarded-For` is anyone's to write. It is read only when the connection itself comes from
a trusted proxy, and then from the right: each hop a trusted proxy appended is skipped, and
the first address not in the list is the client. `X-Forwarded-Proto` is taken from a trusted
proxy too (for Secure cookies). `Host` and `X-Forwarded-Host` are never read: links are built
on `gate_url` only.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable


def parse_networks(values: Iterable[str]) -> tuple:
    """'10.0.0.5', '10.0.0.0/24', '::1' -> networks; ValueError naming the bad entry."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
    return tuple(networks)


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR and the scheme as the trusted proxies saw them; nothing else."""

    def __init__(self, app, proxies: Iterable[str]) -> None:
        self.app = app
        self.networks = parse_networks(proxies)

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client(self, remote: str, forwarded_for: str) -> str:
        if not self.trusted(remote):
            return remote
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.trusted(hop):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return remote  # a garbled header: the proxy is the best we know
        return hops[0] if hops else remote

    def __call__(self, environ, start_response):
        remote = environ.get("REMOTE_ADDR", "")
        if self.networks and self.trusted(remote):
            environ["folio.proxy_addr"] = remote
            environ["REMOTE_ADDR"] = self.client(remote, environ.get("HTTP_X_FORWARDED_FOR", ""))
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)
