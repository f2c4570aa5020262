"""What the gate needs to run: secrets from the environment, the rest from mkdocs.yml.

Secrets (Stripe keys, the cookie key, S3 credentials) are read from the
environment only, so they never sit in a config file or a repository. S3
credentials are not read here at all: boto3 finds them through its own chain
(environment, profile, instance or task role).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from toolkit.errors import FolioError
from toolkit.mail.transport import MailSettings
from toolkit.store.client import StorageSettings

# name -> what it is for, in the order an operator sets them
REQUIRED_ENV = {
    "STRIPE_API_KEY": "the Stripe secret key (sk_live_… or sk_test_…, or a restricted key)",
    "STRIPE_WEBHOOK_SECRET": "the signing secret of the webhook endpoint (whsec_…)",
    "FOLIO_SECRET_KEY": "a random string of at least 32 characters that signs member cookies",
}
OPTIONAL_ENV = {
    "STRIPE_API_BASE": "another Stripe-compatible API server, e.g. the sandbox stand-in",
    "FOLIO_MAIL_URL": "where mail goes: smtp://user:pass@host:587?starttls=1, smtps://…, ses://region",
    "FOLIO_MAIL_FROM": "the sender of receipts and sign-in mails, e.g. 'Folio <no-reply@example.com>'",
    "FOLIO_EVENTS_KEY": "the key of the reader hash in the gate's event lines (default: FOLIO_SECRET_KEY)",
}
MIN_SECRET_KEY = 32


@dataclass(frozen=True)
class GateSettings:
    """Everything `create_app` needs. Secrets are left out of repr so they never reach a log."""

    stripe_api_key: str = field(repr=False)
    stripe_webhook_secret: str = field(repr=False)
    secret_key: str = field(repr=False)
    storage: StorageSettings
    # The public static site: checkout forms must come from its origin; paywall links point there.
    site_url: str
    # Where the gate itself is reachable (the plugin's gate_url): every absolute link is built on it.
    gate_url: str | None = None
    stripe_api_base: str | None = None
    language: str = "en"
    use_directory_urls: bool = True
    origins: tuple[str, ...] = ()
    rate_limit_storage: str = "memory://"
    checkout_limit: str = "10 per minute"
    page_limit: str = "120 per minute"
    cookie_max_age: int = 3600
    link_ttl: int | None = None
    manifest_ttl: int = 60
    page_cache_mb: int = 32
    proxy_hops: int = 0  # retired (see trusted_proxies); a non-zero value is refused
    trusted_proxies: tuple[str, ...] = ()
    entitlement_refresh: int = 60
    entitlement_ttl: int = 300
    stripe_budget: str = "80 per second"
    stripe_timeout: float = 10.0
    stripe_retries: int = 1
    server_timing: bool = False
    # Members: mail (None: FOLIO_MAIL_URL unset, no receipts or sign-in links), sign-in, subscriptions.
    mail: MailSettings | None = None
    site_name: str = "Folio"
    past_due_grants: bool = False
    signin_limit: str = "5 per hour"
    signin_client_limit: str = "20 per hour"
    signin_days: int = 30
    # `folio serve --sandbox`: every page says it is a sandbox.
    sandbox: bool = False

    def __post_init__(self) -> None:
        problems = []
        if len(self.secret_key) < MIN_SECRET_KEY:
            problems.append(f"FOLIO_SECRET_KEY: must be at least {MIN_SECRET_KEY} characters "
                            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
        if not origin_of(self.site_url):
            problems.append(f"site_url: expected an http(s) URL such as https://example.com/, got {self.site_url!r}")
        for origin in self.origins:
            if not origin_of(origin):
                problems.append(f"gate.origins: expected an http(s) origin such as https://staging.example.com, "
                                f"got {origin!r}")
        if not self.gate_url or not origin_of(self.gate_url):
            problems.append(f"gate_url: the gate builds every link (sign-in mails, Stripe's return URLs) on it, "
                            f"never on a request's Host; set plugins.folio.gate_url to the address readers "
                            f"reach the gate at, e.g. https://gate.example.com (got {self.gate_url!r})")
        if self.proxy_hops:
            problems.append("gate.proxy_hops: retired; name the reverse proxies in front of the gate by address "
                            "instead, e.g. gate.trusted_proxies: [10.0.0.5] (X-Forwarded-For counts only through them)")
        from toolkit.gate.proxies import parse_networks

        try:
            parse_networks(self.trusted_proxies)
        except ValueError as error:
            problems.append(f"gate.trusted_proxies: {error}")
        if self.entitlement_ttl < self.entitlement_refresh:
            problems.append(f"gate.entitlement_ttl ({self.entitlement_ttl}) must be at least "
                            f"gate.entitlement_refresh ({self.entitlement_refresh})")
        if problems:
            raise FolioError("The gate cannot start:\n" + "\n".join(problems))

    @property
    def allowed_origins(self) -> frozenset[str]:
        """Origins whose pages may post to /checkout: the site's, plus `gate.origins`."""
        return frozenset(origin_of(url) for url in (self.site_url, *self.origins))

    @classmethod
    def from_mkdocs(cls, config_file: str | os.PathLike = "mkdocs.yml",
                    environ: Mapping[str, str] | None = None) -> "GateSettings":
        """Settings from mkdocs.yml (site_url, theme language, plugins.folio.gate/storage) and the environment."""
        from toolkit.plugin.staging import folio_plugin, load_mkdocs_config

        environ = os.environ if environ is None else environ
        missing = [f"{name}: not set; {why}" for name, why in REQUIRED_ENV.items() if not environ.get(name)]
        if missing:
            raise FolioError("The gate cannot start; set these environment variables (see .env.example):\n"
                             + "\n".join(missing))
        config = load_mkdocs_config(config_file)
        plugin = folio_plugin(config)
        source = Path(config_file).name
        if not config.get("site_url"):
            raise FolioError(f"{source}: site_url: not set. The gate accepts checkout forms only from the "
                             "site's origin; set site_url to the public site's address, e.g. https://example.com/.")
        gate = plugin.config["gate"]
        return cls(
            stripe_api_key=environ["STRIPE_API_KEY"],
            stripe_webhook_secret=environ["STRIPE_WEBHOOK_SECRET"],
            secret_key=environ["FOLIO_SECRET_KEY"],
            storage=StorageSettings.from_mapping(plugin.config["storage"], environ, source),
            site_url=config["site_url"],
            gate_url=plugin.config["gate_url"],
            stripe_api_base=environ.get("STRIPE_API_BASE") or None,
            language=config["theme"].get("language") or "en",
            use_directory_urls=config["use_directory_urls"],
            origins=tuple(gate["origins"]),
            rate_limit_storage=gate["rate_limit_storage"],
            checkout_limit=gate["checkout_limit"],
            page_limit=gate["page_limit"],
            cookie_max_age=gate["cookie_max_age"],
            link_ttl=gate["link_ttl"],
            manifest_ttl=gate["manifest_ttl"],
            page_cache_mb=gate["page_cache_mb"],
            proxy_hops=gate["proxy_hops"],
            trusted_proxies=tuple(gate["trusted_proxies"]),
            entitlement_refresh=gate["entitlement_refresh"],
            entitlement_ttl=gate["entitlement_ttl"],
            stripe_budget=gate["stripe_budget"],
            stripe_timeout=float(gate["stripe_timeout"]),
            stripe_retries=gate["stripe_retries"],
            server_timing=gate["server_timing"],
            mail=MailSettings.from_env(environ),
            site_name=config["site_name"],
            past_due_grants=gate["past_due_grants"],
            signin_limit=gate["signin_limit"],
            signin_client_limit=gate["signin_client_limit"],
            signin_days=gate["signin_days"],
        )


def origin_of(url: str) -> str | None:
    """'https://example.com/docs/' -> 'https://example.com'; None for anything but an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
    except (ValueError, AttributeError):
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default_port else "")
