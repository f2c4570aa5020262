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
              help="Worker processes (about one per CPU core).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per worker (requests mostly wait on Stripe and S3).")
def command(config_file, host, port, workers, threads):
    """Serve the gate: checkout, success page, read online, Stripe webhook.

    Secrets come from the environment (STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET,
    FOLIO_SECRET_KEY, AWS credentials); the rest from mkdocs.yml.
    """
    from toolkit.gate import create_app
    from toolkit.gate.server import serve
    from toolkit.gate.settings import GateSettings

    # Check everything before forking workers, so a bad setting is one clear error here.
    settings = GateSettings.from_mkdocs(config_file)
    create_app(settings)
    click.echo(f"Folio gate on http://{host}:{port} ({workers} workers × {threads} threads); Ctrl-C stops it.")
    serve(lambda: create_app(settings), host, port, workers, threads)
