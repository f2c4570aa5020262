"""The `folio` plugin's settings in mkdocs.yml, declared as typed MkDocs options.

Every Folio setting is a MkDocs config option, so plain `mkdocs build` validates
it as `folio build` does. Two things MkDocs does not do, done here:

- every problem is reported, not only the first, and an unknown key is an error
  (a typo must not be silently ignored: fail closed);
- every message names `mkdocs.yml:LINE`, the key path and what to write. MkDocs
  keeps no line numbers, so they are read off the YAML nodes of the file.
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

PLUGIN_PATH = ("plugins", "folio")
# Membership plans Folio sells; each becomes a recurring Stripe price.
MEMBERSHIP_PLANS = ("monthly", "yearly")


# -- typed options with an example of what to write ------------------------------------------


class Setting(c.BaseConfigOption):
    """A typed value with a rule; its error says what to write, with `example`."""

    def __init__(self, default: Any = None, *, example: str, required: bool = False):
        super().__init__()
        self.default = default
        self.example = example
        # Not `required`: MkDocs sets that on every option of a class-based Config.
        self.must_be_set = required

    def validate(self, value: object) -> Any:
        if value is None:
            if self.must_be_set:
                raise ValidationError("is required")
            return self.default
        return self.run_validation(value)


class Flag(Setting):
    def __init__(self, default: bool):
        super().__init__(default, example="true" if default else "false")

    def run_validation(self, value):
        if not isinstance(value, bool):
            raise ValidationError(f"must be true or false, got {value!r}")
        return value


class Whole(Setting):
    """A whole number of at least `minimum`."""

    def __init__(self, default: int | None = None, *, minimum: int, example: str, unit: str = ""):
        super().__init__(default, example=example)
        self.minimum = minimum
        self.unit = unit

    def run_validation(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            unit = f" {self.unit}" if self.unit else ""
            raise ValidationError(f"must be a whole number{unit} >= {self.minimum}, got {value!r}")
        return value


class Seconds(Setting):
    """A positive number of seconds."""

    def run_validation(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValidationError(f"must be a number of seconds > 0, got {value!r}")
        return value


class Text(Setting):
    """A non-empty text, optionally matching `pattern` (described by `expected`)."""

    def __init__(self, default: str | None = None, *, example: str, pattern: str | None = None,
                 expected: str = "a non-empty text", required: bool = False, allow_empty: bool = False):
        super().__init__(default, example=example, required=required)
        self.pattern = re.compile(pattern) if pattern else None
        self.expected = expected
        self.allow_empty = allow_empty

    def run_validation(self, value):
        if isinstance(value, str) and not value.strip() and self.allow_empty:
            return ""
        if not isinstance(value, str) or not value.strip() or (self.pattern and not self.pattern.fullmatch(value)):
            raise ValidationError(f"must be {self.expected}, got {value!r}")
        return value


class TimeZone(Setting):
    """An IANA time zone name such as `Asia/Shanghai`."""

    def run_validation(self, value):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value if isinstance(value, str) else "")
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(f"must be an IANA time zone such as 'Asia/Shanghai', got {value!r}") from None
        return value


class HttpUrl(Text):
    """An http:// or https:// address with a host; a trailing slash is dropped."""

    def __init__(self, *, example: str):
        super().__init__(example=example, pattern=r"https?://[^/\s?#]+[^\s]*",
                         expected="an http:// or https:// address")

    def run_validation(self, value):
        return super().run_validation(value).rstrip("/")


# -- sections that report every problem and refuse unknown keys ---------------------------


class NestedErrors(ValidationError):
    """Every problem inside a section: (key path inside it, message) pairs."""

    def __init__(self, problems: list[tuple[tuple[str, ...], str]]):
        self.problems = problems
        super().__init__("\n".join(f"{'.'.join(path)}: {message}" for path, message in problems))


class StrictConfig(base.Config):
    """A MkDocs Config that checks every key (MkDocs stops at the first) and refuses unknown ones."""

    #: What an unknown key is called in messages ("setting", "membership plan").
    item = "setting"

    def _validate(self):
        failed, warnings = [], []
        for key, option in self._schema:
            try:
                self[key] = option.validate(self.get(key))
                warnings.extend((key, w) for w in option.warnings)
                option.reset_warnings()
            except ValidationError as exc:
                failed.append((key, _with_example(exc, key, option)))
        known = [key for key, _ in self._schema]
        for key in sorted(set(self.keys()) - set(known), key=str):
            failed.append((key, ValidationError(_unknown(key, known, self.item))))
        return failed, warnings


def _unknown(key: object, known: list[str], item: str) -> str:
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return f"unknown {item}; {hint}known: {', '.join(known)}"


def _with_example(exc: ValidationError, key: str, option) -> ValidationError:
    example = getattr(option, "example", None)
    if example is None or isinstance(exc, NestedErrors):
        return exc
    return ValidationError(f"{exc}; write e.g. `{key}: {example}`")


class Section(c.SubConfig):
    """A SubConfig whose errors are all reported, each with its key path."""

    def __init__(self, config_class: type[StrictConfig]):
        super().__init__()
        self.config_class = config_class

    def run_validation(self, value: object):
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise ValidationError(f"must be a mapping of `key: value` lines, got {value!r}")
        config = self.config_class(config_file_path=self._config_file_path)
        config.load_dict(value)
        failed, warnings = config.validate()
        self.warnings.extend(f"{key}: {message}" for key, message in warnings)
        if failed:
            raise NestedErrors([problem for key, exc in failed for problem in _problems(key, exc)])
        return config


def _problems(key: str, exc: ValidationError) -> Iterable[tuple[tuple[str, ...], str]]:
    if isinstance(exc, NestedErrors):
        for path, message in exc.problems:
            yield (str(key), *path), message
    else:
        yield (str(key),), str(exc)


# -- the settings ------------------------------------------------------------------------------


class MembershipConfig(StrictConfig):
    """Membership plans: each grants every `paid` and `members` page. The price is checked with the content."""

    item = f"membership plan (Folio sells {' and '.join(MEMBERSHIP_PLANS)})"
    monthly = Text(example="9 USD", expected="a price such as `9 USD`")
    yearly = Text(example="90 USD", expected="a price such as `90 USD`")


class StorageConfig(StrictConfig):
    """`storage:`: the private S3 bucket `folio publish` uploads gated/ to (FOLIO_S3_* override)."""

    bucket = Text(example="my-community-gated", pattern=r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
                  expected="an S3 bucket name (3-63 lowercase letters, digits, '.', '-')")
    prefix = Text("", example="v1/", pattern=r"(?!.*(?:^|/)\.\.(?:/|$)).*", expected="a key prefix such as 'v1/' (no '..')",
                  allow_empty=True)
    region = Text(example="us-east-1", expected="a region name such as 'us-east-1'")
    endpoint_url = HttpUrl(example="http://127.0.0.1:9000")
    # Objects are immutable under hashed keys, so browsers may keep them long.
    cache_max_age = Whole(365 * 24 * 3600, minimum=0, example="31536000", unit="of seconds")
    # Manifests (and the objects they name) that `--prune` keeps.
    keep = Whole(3, minimum=1, example="3")
    connect_timeout = Seconds(10.0, example="10")
    read_timeout = Seconds(60.0, example="60")
    max_attempts = Whole(5, minimum=1, example="5")
    max_concurrency = Whole(10, minimum=1, example="10")
    # S3's smallest multipart part is 5 MiB.
    multipart_threshold = Whole(16 * 1024 * 1024, minimum=5 * 1024 * 1024, example="16777216", unit="of bytes")


class LeakGuardConfig(StrictConfig):
    """`leak_guard:` the scan of every built site for paid text (`leak_guard: false` turns it off)."""

    enabled = Flag(True)
    # Paid text that may be public anyway: a phrase (string) or a whole output file (`file: PATH`,
    # a glob relative to site_dir). Each use is logged.
    allow = c.ListOfItems(c.Type((str, dict)), default=[])

    def validate(self):
        failed, warnings = super().validate()
        for index, entry in enumerate(self.get("allow") or []):
            if isinstance(entry, dict) and (set(entry) != {"file"} or not isinstance(entry["file"], str)):
                failed.append((f"allow[{index}]", base.ValidationError(
                    f"expected a phrase or `file: PATH`, got {entry!r}")))
        return failed, warnings


class _LeakGuardOption(Section):
    """The `leak_guard:` section, also accepting `true`/`false` for `enabled`."""

    def __init__(self):
        super().__init__(LeakGuardConfig)

    def run_validation(self, value):
        if isinstance(value, bool):
            value = {"enabled": value}
        return super().run_validation(value)


class RateLimit(Setting):
    """A Flask-Limiter limit such as `10 per minute` or `100/hour;1000/day`."""

    def __init__(self, default: str):
        super().__init__(default, example=default)

    def run_validation(self, value):
        from limits import parse_many

        try:
            parse_many(value) if isinstance(value, str) else None
        except ValueError:
            value = None
        if not isinstance(value, str):
            raise ValidationError(f"must be a rate limit such as '10 per minute', got {value!r}")
        return value


class StorageUri(Setting):
    """Where shared rate-limit counters live: memory://, redis://, rediss://, memcached://."""

    SCHEMES = ("memory://", "redis://", "rediss://", "redis+sentinel://", "redis+cluster://",
               "memcached://", "valkey://", "valkeys://")

    def run_validation(self, value):
        if not isinstance(value, str) or not value.startswith(self.SCHEMES):
            raise ValidationError(f"must be a URI starting with one of {', '.join(self.SCHEMES)}, got {value!r}")
        return value


class GateConfig(StrictConfig):
    """`gate:` settings of the gate service. Its secrets come from the environment, never from here."""

    # Origins besides site_url's that may post to /checkout (e.g. a staging copy of the site).
    origins = c.ListOfItems(c.Type(str), default=[])
    # Where rate-limit counters live; memory:// is per process, so several instances share redis/memcached.
    rate_limit_storage = StorageUri("memory://", example="redis://127.0.0.1:6379")
    checkout_limit = RateLimit("10 per minute")
    page_limit = RateLimit("120 per minute")
    # Seconds a member cookie stays valid: it only caches what Stripe said, so keep it short.
    cookie_max_age = Whole(3600, minimum=60, example="3600", unit="of seconds")
    # Seconds signed download/page/asset links live (default: 15 min downloads, 5 min pages).
    link_ttl = Whole(None, minimum=1, example="300", unit="of seconds")
    # Seconds an instance reuses the published manifest before reading it again.
    manifest_ttl = Whole(60, minimum=0, example="60", unit="of seconds")
    # Paid page HTML kept in each process (immutable under hashed keys), in MiB; 0 turns it off.
    page_cache_mb = Whole(32, minimum=0, example="32")
    # Retired: X-Forwarded-For counted by hops is spoofable on direct connections; use trusted_proxies.
    proxy_hops = Whole(0, minimum=0, example="0")
    # Addresses (or networks) of the reverse proxies in front of the gate; only their X-Forwarded-For counts.
    trusted_proxies = c.ListOfItems(c.Type(str), default=[])
    # Seconds the gate trusts what Stripe said an email may read before asking again (webhooks update it sooner).
    entitlement_refresh = Whole(60, minimum=1, example="60", unit="of seconds")
    # Seconds such an answer may still be served while Stripe is unreachable (never for new access).
    entitlement_ttl = Whole(300, minimum=1, example="300", unit="of seconds")
    # Stripe API calls one gate process may make; past it, requests are served from the cache or told to retry.
    stripe_budget = RateLimit("80 per second")
    stripe_timeout = Seconds(10, example="10")
    stripe_retries = Whole(1, minimum=0, example="1")
    # Send a Server-Timing header (time waiting on Stripe and S3); for benchmarks and debugging.
    server_timing = Flag(False)
    # Members (toolkit/gate/members.py): does a `past_due` subscription still open the archive?
    past_due_grants = Flag(False)
    # Sign-in links one email address / one client address may ask for.
    signin_limit = RateLimit("5 per hour")
    signin_client_limit = RateLimit("20 per hour")
    # Days a sign-in by email lasts on a device (entitlements are re-checked every cookie_max_age).
    signin_days = Whole(30, minimum=1, example="30", unit="of days")


# -- leaderboard: read by toolkit/leaderboard/settings.py, documented in README "Leaderboards" --


class Points(Setting):
    """A number of points, 0 or more."""

    def run_validation(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValidationError(f"must be a number >= 0, got {value!r}")
        return value


class OneOf(Setting):
    def __init__(self, default: str, *, choices: tuple[str, ...]):
        super().__init__(default, example=default)
        self.choices = choices

    def run_validation(self, value):
        if value not in self.choices:
            raise ValidationError(f"must be one of {', '.join(self.choices)}, got {value!r}")
        return value


class TextList(Setting):
    """A list of non-empty texts (`folder=True`: folders inside docs_dir, so no '..' and no leading '/')."""

    def __init__(self, default: list | None = None, *, example: str, folder: bool = False):
        super().__init__(default, example=example)
        self.folder = folder

    def run_validation(self, value):
        items = value if isinstance(value, list) else [None]
        if self.folder and not items or not all(self._fits(item) for item in items):
            what = "folders inside the content folder (no '..', no leading '/')" if self.folder else "non-empty texts"
            raise ValidationError(f"must be a list of {what}, got {value!r}")
        return [item.strip("/") for item in items] if self.folder else list(items)

    def _fits(self, item) -> bool:
        if not isinstance(item, str) or not item.strip("/ "):
            return False
        return not self.folder or not (item.startswith("/") or "\\" in item or ".." in item.split("/"))


class PointsTable(Setting):
    """`name: points` lines (the level names are the author's own)."""

    def run_validation(self, value):
        if not isinstance(value, dict) or not value:
            raise ValidationError(f"must be a mapping of `name: points` lines, got {value!r}")
        problems = [((str(name),), f"must be a number >= 0, got {points!r}") for name, points in value.items()
                    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0]
        if problems:
            raise NestedErrors(problems)
        return dict(value)


class LeaderboardPointsConfig(StrictConfig):
    page = Points(10, example="10")
    line = Points(0.1, example="0.1")
    paid_chapter = Points(15, example="15")
    salon_note = Points(5, example="5")
    review = Points(3, example="3")


class LeaderboardSectionPointsConfig(StrictConfig):
    """A section's own worth of a new page and an added line (unset: `points.page`, `points.line`)."""

    page = Points(example="2")
    line = Points(example="0.02")


class LeaderboardSectionConfig(StrictConfig):
    folders = TextList(example="[docs, guides]", folder=True)  # unset: the section's name
    kind = OneOf("pages", choices=("pages", "courses", "salons"))
    title = Text(example="Guides")
    points = Section(LeaderboardSectionPointsConfig)


class LeaderboardBadgesConfig(StrictConfig):
    author = Whole(3, minimum=0, example="3")
    reviewer = Whole(3, minimum=0, example="3")
    salon_host = Whole(1, minimum=0, example="1")
    course_author = Whole(1, minimum=0, example="1")


LEADERBOARD_SECTIONS = {
    "courses": {"folders": ["courses"], "kind": "courses"},
    "articles": {"folders": ["articles"], "kind": "pages"},
    "salons": {"folders": ["salons"], "kind": "salons"},
}
# Board and page names a section cannot take.
RESERVED_SECTION_NAMES = ("all", "index", "people", "general")


class LeaderboardSections(Setting):
    """`name: {folders, kind, title, points}` lines; a folder belongs to one section only."""

    def __init__(self):
        super().__init__(LEADERBOARD_SECTIONS, example="{docs: {folders: [docs]}}")

    def run_validation(self, value):
        if not isinstance(value, dict) or not value:
            raise ValidationError(f"must be a mapping of section name -> settings, got {value!r}")
        problems, sections, claimed = [], {}, {}
        for name, entry in value.items():
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", str(name)) or str(name).lower() in RESERVED_SECTION_NAMES:
                problems.append(((str(name),), "a section name must be letters, digits, '-' or '_' and not one of "
                                               f"{', '.join(RESERVED_SECTION_NAMES)}"))
                continue
            try:
                sections[name] = Section(LeaderboardSectionConfig).run_validation(entry)
            except ValidationError as exc:
                problems.extend(_problems(name, exc))
                continue
            for folder in sections[name]["folders"] or [name]:
                if folder in claimed:
                    problems.append(((name, "folders"), f"`{folder}` is already a folder of section `{claimed[folder]}`"))
                claimed.setdefault(folder, name)
        if problems:
            raise NestedErrors(problems)
        return sections


class LeaderboardConfig(StrictConfig):
    """`leaderboard:`: which pages count, what they are worth, and what the site shows."""

    enabled = Flag(True)
    sections = LeaderboardSections()
    # Every page outside the sections' folders counts in a `general` section.
    general = Flag(True)
    points = Section(LeaderboardPointsConfig)
    line_cap = Whole(300, minimum=0, example="300")
    page_cap = Whole(5, minimum=0, example="5")
    # A shallow clone: refuse (say how to fetch everything), or count the fetched commits as a partial board.
    shallow = OneOf("refuse", choices=("refuse", "partial"))
    bots = TextList(["[bot]", "dependabot", "github-actions"], example='["[bot]", dependabot]')
    levels = PointsTable({"Newcomer": 0, "Contributor": 20, "Regular": 100, "Core": 300, "Luminary": 1000},
                         example="{Newcomer: 0, Contributor: 20}")
    badges = Section(LeaderboardBadgesConfig)
    top = Whole(50, minimum=1, example="50")
    sparkline_weeks = Whole(26, minimum=1, example="26")


# -- payouts: read by toolkit/report/policy.py, documented in docs/operators/report.md ---------

PAYOUT_POOLS = ("contributions", "none")
_NAMED_PERSON = re.compile(r"[^<>]*\S[^<>]*<[^<>@\s]+@[^<>\s]+>\s*")


class FixedShares(Setting):
    """`"Name <email>": percent` lines: each a percent of the net revenue, together at most 100."""

    def run_validation(self, value):
        if not isinstance(value, dict):
            raise ValidationError(f'must be a mapping of `"Name <email>": percent` lines, got {value!r}')
        problems = []
        for who, share in value.items():
            if not isinstance(who, str) or not _NAMED_PERSON.fullmatch(who.strip()):
                problems.append(((str(who),), 'must name a person as `"Name <email>"` (quoted), e.g. '
                                              '`"Ada Lovelace <ada@example.org>": 30`'))
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 100:
                problems.append(((str(who),), f"must be a percent > 0 and <= 100, got {share!r}"))
        # Added exactly (33.3 + 33.3 + 33.4 is 100, not 100.00000000000001).
        total = sum(Fraction(str(share)) for share in value.values()) if not problems else 0
        if total > 100:
            problems.append(((), f"the fixed shares add up to {float(total):g}%, more than 100%"))
        if problems:
            raise NestedErrors(problems)
        return {who.strip(): share for who, share in value.items()}


class PayoutCourseConfig(StrictConfig):
    """One course's own policy; what it leaves unset comes from the site-wide `payouts:` keys."""

    fixed = FixedShares(example='{"Ada Lovelace <ada@example.org>": 30}')
    pool = OneOf("contributions", choices=PAYOUT_POOLS)
    pool.default = None  # unset: the site-wide pool rule


class PayoutCourses(Setting):
    """`course-slug: {fixed, pool}` lines."""

    def __init__(self):
        super().__init__({}, example='{async-python: {fixed: {"Ada Lovelace <ada@example.org>": 30}}}')

    def run_validation(self, value):
        if not isinstance(value, dict):
            raise ValidationError(f"must be a mapping of course slug -> policy, got {value!r}")
        problems, courses = [], {}
        for slug, entry in value.items():
            try:
                courses[str(slug)] = Section(PayoutCourseConfig).run_validation(entry)
            except ValidationError as exc:
                problems.extend(_problems(str(slug), exc))
        if problems:
            raise NestedErrors(problems)
        return courses


class PayoutsConfig(StrictConfig):
    """`payouts:`: how `folio report --payouts` splits a course's net revenue (it never moves money)."""

    # Named people's fixed percents of each course's net revenue.
    fixed = FixedShares({}, example='{"Ada Lovelace <ada@example.org>": 30}')
    # The rest: `contributions` splits it by leaderboard points on the course's board in the period;
    # `none` leaves it unallocated (kept by the operator).
    pool = OneOf("contributions", choices=PAYOUT_POOLS)
    courses = PayoutCourses()


class FolioConfig(StrictConfig):
    """`plugins: - folio: {...}` in mkdocs.yml."""

    enabled = Flag(True)
    # Where authors write, relative to mkdocs.yml; `docs_dir` is then the public tree Folio
    # generates from it. Unset: docs_dir holds the content (legacy layout, warned about).
    content_dir = c.Optional(c.Type(str))
    # Extra files to publish although no page references them (gitignore patterns, e.g. CNAME).
    public_files = c.ListOfItems(c.Type(str), default=[])
    # Words kept public on a paid page that has no `<!-- more -->` marker.
    teaser_words = Whole(120, minimum=1, example="120")
    # Where the gate service lives; the paywall's forms post there.
    gate_url = HttpUrl(example="https://gate.example.org")
    membership = Section(MembershipConfig)
    # Private output folder, relative to mkdocs.yml.
    gated_dir = Text("gated", example="gated")
    # Unknown front matter keys fail the build instead of warning.
    strict = Flag(False)
    # Scan every build for paid text (turning it off is for debugging only).
    leak_guard = _LeakGuardOption()
    # IANA time zone of salons that do not name their own (`timezone:` in front matter).
    timezone = TimeZone("UTC", example="Asia/Shanghai")
    storage = Section(StorageConfig)
    leaderboard = Section(LeaderboardConfig)
    gate = Section(GateConfig)
    payouts = Section(PayoutsConfig)

    def validate(self):
        """MkDocs' (key, error) pairs, each error one located line per problem."""
        failed, warnings = super().validate()
        # No file (a Config built in code): the key path only, never the lines of some other mkdocs.yml.
        where = ConfigFile(self.config_file_path, read=bool(self.config_file_path))
        located = []
        for key, exc in failed:
            lines = [where.describe((*PLUGIN_PATH, *path), message) for path, message in _problems(key, exc)]
            located.append((key, ValidationError("\n".join(lines))))
        return located, warnings


# -- where a key is in mkdocs.yml --------------------------------------------------------------


class ConfigFile:
    """mkdocs.yml as messages name it, and the line of any key path in it."""

    def __init__(self, path: str | Path | None, *, read: bool = True):
        """`read=False` when the values did not come from this file (no lines are looked up)."""
        self.path = Path(path or "mkdocs.yml")
        self.shown = display_path(self.path)
        self._root = None
        self._loaded = not read

    def describe(self, key_path: Iterable[str], message: str) -> str:
        """`mkdocs.yml:LINE: a.b.c: message`, with the line of the deepest part of the path present."""
        key_path = tuple(str(k) for k in key_path)
        line = self.line_of(key_path)
        where = f"{self.shown}:{line}" if line else self.shown
        return f"{where}: {'.'.join(key_path)}: {message}"

    def line_of(self, key_path: Iterable[str]) -> int:
        """The 1-based line of `key_path` (or of its nearest parent present); 0 if unknown."""
        node, line = self._node(), 0
        for key in key_path:
            found = _child(node, str(key))
            if found is None:
                break
            key_node, node = found
            line = key_node.start_mark.line + 1
        return line

    def _node(self):
        if not self._loaded:
            self._loaded = True
            try:
                # Composing builds nodes only, so MkDocs' custom tags (!ENV, !relative) need no constructor.
                self._root = yaml.compose(self.path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                self._root = None
        return self._root


def _child(node, key: str):
    """(key node, value node) of `key` in a mapping, or of a plugin named `key` in a `plugins:` list."""
    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if getattr(k, "value", None) == key), None)
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and item.value == key:
                return item, item
            found = _child(item, key) if isinstance(item, yaml.MappingNode) else None
            if found is not None:
                return found
    return None


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when possible."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


_PLUGIN_OPTION = re.compile(r"^Plugin '([^']+)' option '([^']*)': (.*)$")


def config_error_lines(config_file: str | Path, failed: list[tuple[str, Exception]]) -> list[str]:
    """One located line per problem MkDocs found in mkdocs.yml (Folio's own lines are kept as they are)."""
    where = ConfigFile(config_file)
    lines = []
    for key, exc in failed:
        for text in str(exc).splitlines() or [""]:
            plugin = _PLUGIN_OPTION.match(text)
            if plugin and plugin.group(3).startswith(f"{where.shown}"):
                lines.append(plugin.group(3))  # already located by FolioConfig
            elif plugin:
                lines.append(where.describe((key, plugin.group(1), plugin.group(2)), plugin.group(3)))
            elif text.startswith(f"{where.shown}"):
                lines.append(text)
            else:
                lines.append(where.describe((key,), text))
    return lines


# -- the one way every command loads mkdocs.yml ------------------------------------------------


def load_mkdocs_config(config_file: str | Path | None, **overrides):
    """The validated MkDocs config; every problem in mkdocs.yml raised as one ConfigError, each with its line."""
    import logging

    from mkdocs import exceptions
    from mkdocs.config.defaults import MkDocsConfig

    from toolkit.errors import ConfigError, FolioError

    path = Path(config_file or "mkdocs.yml")
    if not path.is_file():
        raise FolioError(f"{path}: no such file. Run folio in the folder that holds mkdocs.yml, or pass --config-file.")
    config = MkDocsConfig(config_file_path=str(path))
    try:
        with path.open("rb") as fd:
            config.load_file(fd)
    except exceptions.ConfigurationError as exc:  # not YAML, or an !ENV / INHERIT problem
        raise ConfigError([f"{display_path(path)}: {exc}"]) from None
    except OSError as exc:
        raise FolioError(f"{display_path(path)}: cannot read it ({exc.strerror or exc}).") from None
    config.load_dict({key: value for key, value in overrides.items() if value is not None})
    failed, warnings = config.validate()
    log = logging.getLogger("mkdocs.config")
    for key, warning in warnings:
        log.warning("%s", ConfigFile(path).describe((key,), str(warning)))
    if failed:
        raise ConfigError(config_error_lines(path, failed))
    if config.strict and warnings:
        raise ConfigError([ConfigFile(path).describe((key,), f"{w} (a warning, an error with --strict)")
                           for key, w in warnings])
    return config


def folio_plugin(config):
    """The folio plugin instance of a loaded config (FolioError if it is not enabled)."""
    from toolkit.errors import FolioError

    plugin = config["plugins"].get("folio")
    if plugin is None:
        raise FolioError(f"{display_path(Path(config.config_file_path))}: add `- folio` under `plugins:` to use Folio.")
    return plugin
