"""`folio new course|chapter|article|salon`: write a stub with valid front matter."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.build import config_option


def _docs_dir(config_file: str) -> Path:
    from toolkit.plugin.staging import content_dir_of
    from toolkit.config import load_mkdocs_config

    return content_dir_of(load_mkdocs_config(config_file))


def _report(paths) -> None:
    for path in paths:
        try:
            shown = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            shown = path
        click.echo(f"Wrote {shown}")


slug_option = click.option("--slug", help="File name (letters, digits, dashes); derived from the title if omitted.")


@click.group("new")
def command() -> None:
    """Write a new course, chapter, article or salon note with valid front matter."""


@command.command("course")
@click.argument("title")
@slug_option
@click.option("--price", help="e.g. '49 USD'; omit for a free course.")
@click.option("--level", type=click.Choice(["beginner", "intermediate", "advanced"]), default="beginner", show_default=True)
@click.option("--author", "authors", multiple=True, required=True, help="Repeat for several authors.")
@config_option
def course(title, slug, price, level, authors, config_file):
    """A course folder with index.md and a free first chapter."""
    from toolkit.content.prices import Price, PriceError
    from toolkit.content.scaffolds import new_course

    if price:
        try:
            Price.parse(price)
        except PriceError as exc:
            raise click.BadParameter(str(exc), param_hint="--price") from None
    _report(new_course(_docs_dir(config_file), title, slug, price, level, list(authors)))


@command.command("chapter")
@click.argument("course_slug")
@click.argument("title")
@slug_option
@click.option("--free", "access", flag_value="free", help="Make the chapter free.")
@click.option("--paid", "access", flag_value="paid", help="Make the chapter paid (the default in a priced course).")
@config_option
def chapter(course_slug, title, slug, access, config_file):
    """The next numbered chapter of COURSE_SLUG."""
    from toolkit.content.scaffolds import new_chapter

    _report([new_chapter(_docs_dir(config_file), course_slug, title, slug, access)])


@command.command("article")
@click.argument("title")
@slug_option
@click.option("--members", is_flag=True, help="Only members can read past the teaser.")
@click.option("--tag", "tags", multiple=True, help="Repeat for several tags.")
@click.option("--author", "authors", multiple=True, required=True)
@config_option
def article(title, slug, members, tags, authors, config_file):
    """An article dated today."""
    from toolkit.content.dates import today
    from toolkit.content.scaffolds import new_article

    _report([new_article(_docs_dir(config_file), title, slug, members, list(tags), list(authors), today())])


@command.command("salon")
@click.argument("title")
@slug_option
@click.option("--date", "date", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--location", required=True)
@click.option("--speaker", "speakers", multiple=True, required=True, help="Repeat for several speakers.")
@click.option("--members", is_flag=True, help="Only members can read past the teaser.")
@config_option
def salon(title, slug, date, location, speakers, members, config_file):
    """A salon (meetup) note."""
    from toolkit.content.scaffolds import new_salon

    _report([new_salon(_docs_dir(config_file), title, slug, date.date(), location, list(speakers), members)])
