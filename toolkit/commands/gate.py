"""`folio gate`: run the gate service under a production WSGI server (gunicorn)."""

from __future__ import annotations

import click


@click.command("gate")
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True,
              type=click.Path(dir_okay=False), help="The site's mkdocs.yml.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface, e.g. in a container).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (about one per CPU core). Without a shared gate.rate_limit_storage "
                   "the gate runs one process with workers × threads threads, so its limits hold.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per worker (requests mostly wait on Stripe and S3).")
def command(config_file, host, port, workers, threads):
    """Serve the gate: checkout, success page, read online, downloads, members, Stripe webhook.

    Secrets come from the environment (STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET,
    FOLIO_SECRET_KEY, AWS credentials); the rest from mkdocs.yml, which must set
    plugins.folio.gate_url (every link the gate sends is built on it).
    """
    from toolkit.gate import create_app
    from toolkit.gate.events import log_to_stream
    from toolkit.gate.server import serve
    from toolkit.gate.settings import GateSettings

    # Check everything before forking workers, so a bad setting is one clear error here.
    settings = GateSettings.from_mkdocs(config_file)
    create_app(settings)
    workers, threads, note = plan_processes(settings.rate_limit_storage, workers, threads)
    if note:
        click.echo(note)
    log_to_stream()
    click.echo(f"Folio gate on http://{host}:{port} ({workers} workers × {threads} threads); Ctrl-C stops it.")
    serve(lambda: create_app(settings), host, port, workers, threads)


def plan_processes(storage_uri: str, workers: int, threads: int) -> tuple[int, int, str | None]:
    """(workers, threads, note): memory:// counters and caches live in one process, so the gate runs one.

    Rate limits, the entitlement cache and used sign-in links must be seen by every worker;
    with memory:// each process would keep its own (7 of 7 sign-in mails against a limit of 5).
    """
    if workers == 1 or not storage_uri.startswith("memory://"):
        return workers, threads, None
    total = min(256, workers * threads)
    return 1, total, (f"gate.rate_limit_storage is memory://, which one process holds: serving with 1 worker × "
                      f"{total} threads instead of {workers} workers (set it to redis://… to run several).")
