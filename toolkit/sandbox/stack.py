"""`folio serve --sandbox`: the whole purchase journey on 127.0.0.1, with no account anywhere.

One `SandboxStack` starts, in this process:

- moto's S3 server, with a private bucket named as in mkdocs.yml;
- the Stripe stand-in (`toolkit.sandbox.stripe`), its webhooks pointed at the gate;
- an SMTP server (aiosmtpd) that keeps every mail, and a page listing them;
- the gate (`toolkit.gate.create_app`) with `sandbox=True`, so its pages say so;

then builds the site into `.folio/sandbox/` with the sandbox's site and gate URLs and a
sandbox banner on every page, publishes the gated output to the local bucket (the
`folio publish` machinery), and syncs the catalog into the stand-in (the `folio catalog
sync` machinery). The public site itself is served either by MkDocs' live-reloading server
(`serve_site_forever`, what the command does) or, for the tests, from the built folder
(`site_server=True`). Everything binds to 127.0.0.1; `stop()` closes every port.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import FolioError
from toolkit.sandbox.console import sandbox_pages
from toolkit.sandbox.ports import free_port as _free_port
from toolkit.sandbox.ports import in_use_error, require_free, split_addr
from toolkit.sandbox.smtp import SandboxSMTP
from toolkit.sandbox.wsgi import QuietWSGIServer

log = logging.getLogger(__name__)

API_KEY = "sk_test_sandbox"
WEBHOOK_SECRET = "whsec_sandbox"
SENDER = "Folio sandbox <no-reply@sandbox.folio.local>"
WORK_DIR = Path(".folio") / "sandbox"
SANDBOX_COMMAND = "folio serve --sandbox --dev-addr"  # what to run with another port (make serve ADDR=… too)
BANNER = {
    "en": "Sandbox — payments, mail and storage here are local stand-ins. Nothing is charged or sent.",
    "zh": "沙盒环境 — 此处的付款、邮件和存储均为本地模拟，不会真实扣款或发送。",
}
# Only ever local fakes: the sandbox must never reach a real AWS account.
SANDBOX_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "sandbox",
    "AWS_SECRET_ACCESS_KEY": "sandbox",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
# …and nothing of a real account's identity may tag along.
SANDBOX_AWS_UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL",
                     "AWS_ENDPOINT_URL_S3")


@dataclass(frozen=True)
class SandboxURLs:
    """Where each part of a running sandbox answers."""

    site: str
    gate: str
    stripe: str
    mail: str
    s3: str

    def lines(self) -> list[str]:
        return [
            f"Site        {self.site}",
            f"Gate        {self.gate}   (sign in: {self.gate}/signin, library: {self.gate}/library)",
            f"Mail        {self.mail}   (every mail the sandbox sends lands here)",
            f"Payments    {self.mail}/payments   (refund, dispute, or end a membership, as a bank would)",
            f"Stripe      {self.stripe}   (stand-in: its checkout page needs no card)",
            f"S3          {self.s3}   (moto)",
        ]


class _LateApp:
    """A WSGI app set after its server is bound, so the gate's URL is known before the gate exists."""

    def __init__(self) -> None:
        self.app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Retry-After", "1")])
            return [b"The sandbox is starting."]
        return self.app(environ, start_response)


class SandboxStack:
    """The local stand-ins plus the gate, for one site (`config_file`)."""

    def __init__(self, config_file: str | os.PathLike = "mkdocs.yml", *, site_addr: str = "127.0.0.1:8000",
                 site_server: bool = False, isolate_aws: bool = True) -> None:
        self.config_file = Path(config_file).resolve()
        self.root = self.config_file.parent
        self.work = self.root / WORK_DIR
        self.site_host, self.site_port = split_addr(site_addr, "--dev-addr")
        if self.site_host not in ("127.0.0.1", "localhost"):
            raise FolioError(f"--dev-addr {site_addr}: the sandbox only listens on 127.0.0.1")
        # The one fixed port: checked before any service starts (every other part takes a free port).
        require_free(site_addr, "--dev-addr", SANDBOX_COMMAND, make_hint=True)
        self.site_server_wanted = site_server
        self.isolate_aws = isolate_aws
        self._stoppers: list[Any] = []
        self.urls: SandboxURLs | None = None
        self.standin = None
        self.smtp: SandboxSMTP | None = None
        self.gate_app = None
        self.storage = None
        self.overrides: dict = {}

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> SandboxURLs:
        """Start every service, build, publish and sync; the site itself is served by `serve_site_forever`."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self.urls

    def stop(self) -> None:
        """Stop everything that was started, newest first; safe to call twice."""
        while self._stoppers:
            stopper = self._stoppers.pop()
            try:
                stopper()
            except Exception as error:  # keep stopping the rest
                log.debug("Sandbox: stopping a service failed: %s", error)

    def __enter__(self) -> "SandboxStack":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start(self) -> None:
        from toolkit.plugin.staging import folio_plugin, load_mkdocs_config

        if self.isolate_aws:
            os.environ.update(SANDBOX_AWS_ENV)
            for name in SANDBOX_AWS_UNSET:
                os.environ.pop(name, None)
        # aiosmtpd logs every connection and stripe-python every request at INFO.
        for name in ("mail.log", "stripe", "botocore", "werkzeug"):
            logging.getLogger(name).setLevel(logging.WARNING)
        config = load_mkdocs_config(self.config_file)
        plugin = folio_plugin(config)
        language = config["theme"].get("language") or "en"

        s3_url = self._start_s3()
        self.standin = self._start_stripe()
        self.smtp = SandboxSMTP().start()
        self._stoppers.append(self.smtp.stop)
        pages = QuietWSGIServer(sandbox_pages(self.smtp.box, self.standin, report=self._report)).start()
        self._stoppers.append(pages.stop)
        gate_slot = _LateApp()
        gate_server = QuietWSGIServer(gate_slot).start()
        self._stoppers.append(gate_server.stop)
        site_slot = None
        if self.site_server_wanted:
            site_slot = _LateApp()
            site_server = QuietWSGIServer(site_slot, port=self.site_port).start()
            self._stoppers.append(site_server.stop)
            self.site_port = site_server.port
        elif self.site_port == 0:
            self.site_port = _free_port()
        site_url = f"http://127.0.0.1:{self.site_port}/"

        self.overrides = sandbox_overrides(self.config_file, site_url, gate_server.url, self.work, language)
        self.storage = self._storage(plugin, s3_url)
        self._build_and_publish()
        self._sync_catalog()
        self.gate_app = self._gate(config, site_url, gate_server.url, language)
        gate_slot.app = self.gate_app
        self.standin.webhook_url = gate_server.url + "/webhook"
        if site_slot is not None:
            site_slot.app = static_site(self.work / "site")
        self.urls = SandboxURLs(site_url.rstrip("/"), gate_server.url, self.standin.url, pages.url, s3_url)

    def serve_site_forever(self) -> None:
        """MkDocs' live-reloading server for the site (blocks until Ctrl-C)."""
        from mkdocs.commands.serve import serve

        overrides = {k: v for k, v in self.overrides.items() if k != "site_dir"}  # serve builds in a temp dir
        try:
            serve(config_file=str(self.config_file), dev_addr=f"127.0.0.1:{self.site_port}", **overrides)
        except OSError as error:  # taken while the sandbox was starting
            if error.errno != errno.EADDRINUSE:
                raise
            raise in_use_error("127.0.0.1", self.site_port, SANDBOX_COMMAND, make_hint=True) from None


    # -- the parts -----------------------------------------------------------------------------

    def _start_s3(self) -> str:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)  # the port it bound, below
        server.start()
        self._stoppers.append(server.stop)
        host, port = server.get_host_and_port()
        return f"http://{host}:{port}"

    def _report(self) -> str:
        from toolkit.sandbox.report_page import sandbox_report

        return sandbox_report(self.config_file, self.standin)

    def _start_stripe(self):
        from toolkit.sandbox.stripe import StripeStandIn

        standin = StripeStandIn(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET, host="127.0.0.1", port=0)
        standin.start()
        self._stoppers.append(standin.stop)
        return standin

    def _storage(self, plugin, s3_url: str):
        from toolkit.store.client import StorageSettings

        # The validated section holds every key (unset ones None): keep what the author set.
        mapping = {key: value for key, value in dict(plugin.config["storage"]).items() if value is not None}
        mapping.setdefault("bucket", "folio-sandbox")
        settings = StorageSettings.from_mapping(mapping, environ={}, source=self.config_file.name)
        return dataclasses.replace(settings, endpoint_url=s3_url, region=settings.region or "us-east-1")

    def _build_and_publish(self):
        from toolkit.plugin.staging import build_site
        from toolkit.store.client import make_client
        from toolkit.store.publish import PublishOptions, publish

        build_site(self.config_file, **self.overrides)
        client = make_client(self.storage)
        publish(client, self.storage, self.work / "gated", PublishOptions(create_bucket=True))

    def _sync_catalog(self) -> None:
        """`folio catalog sync` into the stand-in: the Buy buttons find their prices by lookup key."""
        from toolkit.pay.catalog import sync

        sync(self.standin.client(), self.work / "gated", echo=log.debug, where="the sandbox's Stripe stand-in")

    def _gate(self, config, site_url: str, gate_url: str, language: str):
        from toolkit.gate import GateSettings, create_app
        from toolkit.mail import MailSettings

        settings = GateSettings(
            stripe_api_key=API_KEY, stripe_webhook_secret=WEBHOOK_SECRET, secret_key=secrets.token_urlsafe(32),
            storage=self.storage, site_url=site_url, gate_url=gate_url, stripe_api_base=self.standin.url,
            language=language, use_directory_urls=config["use_directory_urls"], manifest_ttl=0,
            mail=MailSettings(self.smtp.url, SENDER), site_name=config["site_name"], sandbox=True,
            # The stand-in has no rate limit to protect: the budget only guards real Stripe accounts.
            stripe_budget="10000 per second",
        )
        return create_app(settings)


def run_sandbox(config_file: str | os.PathLike, dev_addr: str, echo=print) -> None:
    """`folio serve --sandbox`: start it all, print the URLs, serve the site until Ctrl-C, stop it all."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # `kill` (SIGTERM) stops the sandbox as cleanly as Ctrl-C does.
    _require_sandbox_packages()
    stack = SandboxStack(config_file, site_addr=dev_addr)
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        echo("Starting the sandbox: S3 (moto), Stripe stand-in, mail catcher, gate; building and publishing…")
        urls = stack.start()
        echo("\n".join(["", "Folio sandbox — local stand-ins only, no account needed:", *urls.lines(),
                        "", "Buy something on the site, pay on the stand-in's page, then open the mail page.",
                        "Ctrl-C stops everything.", ""]))
        stack.serve_site_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        signal.signal(signal.SIGTERM, previous)
        echo("Sandbox stopped.")


def _require_sandbox_packages() -> None:
    import importlib.util

    missing = [name for name in ("moto", "aiosmtpd") if importlib.util.find_spec(name) is None]
    if missing:
        raise FolioError(f"The sandbox needs {', '.join(missing)}: pip install 'folio-toolkit[sandbox]' "
                         "(or run `make serve` in a clone of Folio, which installs it).")


def sandbox_overrides(config_file: Path, site_url: str, gate_url: str, work: Path, language: str) -> dict:
    """MkDocs config overrides: sandbox URLs, output under .folio/sandbox/, a banner on every page."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    with open(config_file, encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=get_yaml_loader()) or {}
    plugins = []
    for entry in raw.get("plugins") or []:
        if entry == "folio" or (isinstance(entry, dict) and "folio" in entry):
            options = dict((entry.get("folio") or {}) if isinstance(entry, dict) else {})
            options.update(gate_url=gate_url, gated_dir=str(work / "gated"))
            entry = {"folio": options}
        plugins.append(entry)
    plugins = _FreshList(plugins)
    extra = dict(raw.get("extra") or {})
    extra["folio_sandbox"] = BANNER["zh" if language.lower().startswith("zh") else "en"]
    return {"site_url": site_url, "site_dir": str(work / "site"), "plugins": plugins, "extra": extra}


class _FreshList(list):
    """A list that hands out copies of its items: MkDocs empties each plugin entry it reads
    (`popitem`), and `mkdocs serve` reads the same overrides again on every rebuild."""

    def __iter__(self):
        import copy

        return (copy.deepcopy(item) for item in super().__iter__())


def static_site(folder: Path):
    """A WSGI app serving a built site folder (index.html for directories), for the tests."""
    from werkzeug.middleware.shared_data import SharedDataMiddleware

    def not_found(environ, start_response):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found"]

    served = SharedDataMiddleware(not_found, {"/": str(folder)}, cache=False)

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path.endswith("/"):
            environ["PATH_INFO"] = path + "index.html"
        return served(environ, start_response)

    return app


