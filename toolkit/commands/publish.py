"""`folio publish`: upload gated/ to the private bucket (the work is in toolkit.store.publish)."""

from __future__ import annotations

import json
import sys

import click

from toolkit.commands.build import config_option


class _TerminalBar:
    """A click progress bar on stderr, opened when the first upload starts."""

    def __init__(self) -> None:
        self._bar = None

    def start(self, total_bytes: int) -> None:
        self._bar = click.progressbar(length=total_bytes, label="Uploading", file=sys.stderr,
                                      show_percent=True, show_pos=False)
        self._bar.__enter__()

    def advance(self, n_bytes: int) -> None:
        self._bar.update(n_bytes)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@click.command("publish")
@config_option
@click.option("--dry-run", is_flag=True, help="Show what would be uploaded (and pruned); write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a summary.")
@click.option("--create-bucket", is_flag=True, help="Create the bucket, private, if it does not exist.")
@click.option("--allow-public-bucket", is_flag=True,
              help="Publish even if the bucket does not block public access.")
@click.option("--prune", is_flag=True, help="Delete objects that none of the last N manifests names.")
@click.option("--keep", type=click.IntRange(min=1), help="N for --prune (default: storage.keep, 3).")
def command(config_file, dry_run, as_json, create_bucket, allow_public_bucket, prune, keep):
    """Upload gated/ to the private S3 bucket: only what is new, the manifest last."""
    from toolkit.store.publish import PublishOptions, publish
    from toolkit.store.client import load_site_settings, make_client, quiet_botocore

    if keep and not prune:
        raise click.UsageError("--keep only applies with --prune.")
    quiet_botocore()

    settings, gated_dir = load_site_settings(config_file)
    options = PublishOptions(dry_run, create_bucket, allow_public_bucket, prune, keep)
    bar = _TerminalBar() if sys.stderr.isatty() and not as_json and not dry_run else None
    try:
        report = publish(make_client(settings), settings, gated_dir, options, bar)
    finally:
        if bar:
            bar.close()
    click.echo(json.dumps(report.as_json(), indent=2) if as_json else summary(report))


def summary(report) -> str:
    """Two or three lines a person reads after publishing."""
    verb = "Would upload" if report.dry_run else "Uploaded"
    lines = [
        f"{verb} {len(report.uploaded)} objects ({_size(report.bytes_uploaded)}), "
        f"skipped {report.skipped} unchanged, to {report.settings.where()}",
        f"Manifest {report.manifest_sha256[:8]}: "
        + (("would be " if report.dry_run else "") + "published" if report.manifest_uploaded else "already current"),
    ]
    if report.created_bucket:
        lines.insert(0, f"{'Would create' if report.dry_run else 'Created'} private bucket {report.settings.bucket}")
    if report.pruned is not None:
        lines.append(f"{'Would prune' if report.dry_run else 'Pruned'} {len(report.pruned)} old objects")
    lines.append(f"{report.requests} requests in {report.seconds:.2f} s")
    return "\n".join(lines)


def _size(n_bytes: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n_bytes < 1024 or unit == "MB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    return ""
