"""`folio report`: the operator's private report of a period (work in toolkit.report)."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.leaderboard import Day


@click.command("report")
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default="mkdocs.yml",
              show_default=True, help="The site's mkdocs.yml.")
@click.option("--month", metavar="YYYY-MM", help="A calendar month (UTC). Default: the last full month.")
@click.option("--since", type=Day(first=True), help="First day counted (YYYY-MM-DD), with --until.")
@click.option("--until", type=Day(first=False), help="Last day counted (YYYY-MM-DD), with --since.")
@click.option("--payouts", is_flag=True, help="Also write each course's contributors' share (payouts.csv, payouts.html).")
@click.option("--events", "events", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="The gate's events (JSON lines, .gz allowed); repeat for several files.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for reports (default: .folio/report beside mkdocs.yml; never inside site/ or docs/).")
@click.option("--no-stripe", is_flag=True, help="Leave revenue out (no STRIPE_API_KEY needed).")
def command(config_file, month, since, until, payouts, events, out, no_stripe) -> None:
    """Write the private report of a period: content, revenue, reading, incentives (and payouts).

    Reads the git history, Stripe (STRIPE_API_KEY, and STRIPE_API_BASE for a stand-in) and the
    gate's events. Writes DIR/<period>/index.html, report.json and CSV files.
    """
    import stripe

    from toolkit.config import load_mkdocs_config
    from toolkit.content.dates import today
    from toolkit.errors import FolioError
    from toolkit.leaderboard.gitlog import NotAGitRepository
    from toolkit.leaderboard.settings import load_settings
    from toolkit.pay import catalog
    from toolkit.plugin.staging import content_dir_of
    from toolkit.report import Sources, make_report
    from toolkit.report.output import DEFAULT_OUT, check_out_dir, report_files, write_report
    from toolkit.report.period import day_period, last_full_month, month_period
    from toolkit.report.strings import report_strings

    period = _period(month, since, until, today(), month_period, day_period, last_full_month)
    config = load_mkdocs_config(config_file)
    root = Path(config.config_file_path).resolve().parent
    plugin = config["plugins"].get("folio")
    folio = plugin.config if plugin is not None else {}
    content_dir = content_dir_of(config)
    published = {"site_dir": Path(config["site_dir"]), "docs_dir": Path(config["docs_dir"]), "the content folder": content_dir}
    target = check_out_dir(out if out is not None else root / DEFAULT_OUT, published)
    language, strings = report_strings(config["theme"].get("language"))
    client = None
    if not no_stripe:
        catalog.quiet_stripe()
        client = catalog.make_client()
    sources = Sources(root, content_dir, load_settings(folio.get("leaderboard", {}), config_file.name),
                      site_name=config["site_name"], language=language, stripe_client=client, events=list(events),
                      payout_settings=folio.get("payouts"))
    try:
        document = make_report(sources, period, payouts=payouts)
    except NotAGitRepository as error:
        raise FolioError(f"{error.message.split(' (')[0]}: the report counts content from the git history of "
                         "the content folder; run it in the site's git repository (a clone with its full history)"
                         ) from None
    except stripe.StripeError as error:
        raise FolioError(f"Stripe refused a read ({type(error).__name__}: {error.user_message or error}); "
                         f"check STRIPE_API_KEY (a restricted key needs read access to Checkout Sessions, invoices, "
                         "refunds, disputes and subscriptions)") from None
    written = write_report(target, period.label, report_files(document, strings))
    click.echo(f"Report for {period.since} to {period.until}: {written / 'index.html'}")
    if payouts:
        click.echo(f"Payout statements (no money moved): {written / 'payouts.csv'}")


def _period(month, since, until, today, month_period, day_period, last_full_month):
    if month and (since or until):
        raise click.UsageError("give --month or --since/--until, not both")
    if month:
        try:
            return month_period(month)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--month'") from None
    if since or until:
        if not (since and until):
            raise click.UsageError("--since and --until go together (or use --month YYYY-MM)")
        try:
            return day_period(since, until)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    return last_full_month(today)
