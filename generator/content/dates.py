"""Dates as Jekyll reads them (file names, front matter) and prints them (`{{ page.date }}`)."""

from __future__ import annotations

import os
import re
import zoneinfo
from datetime import date, datetime, timedelta, timezone, tzinfo

from dateutil import parser as dateutil_parser   # deferred (generator.lazy): loaded for the rare wordy date

from generator.errors import ConfigError, ContentError
from generator.yaml_lines import Timestamp

DATE_TEXT = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$")
DATE_HINT = "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +0100"
# The date and time at the start of a text, and an offset only when written as one (`-0700`, not `- 0700`).
DATE_PREFIX = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"(?:\s*(Z|[+-]\d{2}:?\d{2})(?!\d))?")


class JekyllDate(datetime):
    """A datetime that prints as Ruby's Time#to_s does: `2017-01-29 00:00:00 +0000`."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M:%S %z")


def site_timezone(name: str, config_file=None) -> tzinfo:
    if name == "UTC":   # the default: the same offset and name as zoneinfo's, without reading its database
        return timezone.utc
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone '{name}'", file=config_file,
                          hint="use an IANA name such as 'Europe/Paris' or 'UTC'") from None


def to_jekyll_date(value: datetime, zone: tzinfo) -> JekyllDate:
    """A datetime in the site's zone; naive values are read as local to it."""
    value = value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    return JekyllDate(value.year, value.month, value.day, value.hour, value.minute, value.second,
                      tzinfo=value.tzinfo)


def parse_date(value, zone: tzinfo, *, file, line) -> JekyllDate:
    """A front matter or file-name date: a YAML date/datetime or text; anything else is an error.

    A YAML timestamp without an offset (`date: 2017-07-07 06:00:00`, unquoted) is UTC, as Ruby's YAML
    reads it, then shown in the site's zone; text (quoted, or any other form) is in the site's zone."""
    if isinstance(value, datetime):
        return to_jekyll_date(value if value.tzinfo else value.replace(tzinfo=timezone.utc), zone)
    if isinstance(value, date):
        return to_jekyll_date(datetime(value.year, value.month, value.day), zone)
    text = str(value).strip()
    match = DATE_TEXT.match(text)
    try:
        parsed = datetime_from_match(match) if match else ruby_time_parse(text)
        if isinstance(value, Timestamp) and match and match[4] is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return to_jekyll_date(parsed, zone)
    except (ValueError, OverflowError):
        raise ContentError(f"invalid date '{value}'", file=file, line=line, hint=DATE_HINT) from None


def ruby_time_parse(text: str) -> datetime:
    """A date in the other forms Ruby's `Time.parse` reads (Jekyll's reader): `February 21, 2017`,
    `21 Feb 2017 10:00`, `Tue, 21 Feb 2017 10:00:00 +0100`, `03/04/2017` (day first, as Ruby),
    `2017/02/03` (year first), `2016-05-31 20:35:00 - 0700` (the words after the time skipped). Text
    without a whole date (`2017`, `March`) is a ValueError."""
    year_first = re.match(r"\d{4}\D", text) is not None
    try:
        parsed = [dateutil_parser.parse(text, dayfirst=not year_first, default=default)
                  for default in (datetime(2000, 1, 1), datetime(2001, 2, 2))]
    except ValueError:
        # Ruby's parser takes the date and time it finds and skips the words it does not read:
        # `2016-05-31 20:35:00 - 0700` is 20:35 in the site's zone.
        prefix = DATE_PREFIX.match(text)
        if prefix is None:
            raise
        return datetime_from_match(prefix)
    if parsed[0].date() != parsed[1].date():
        raise ValueError(f"no whole date in {text!r}")
    return parsed[0]


def datetime_from_match(match: re.Match) -> datetime:
    year, month, day, hour, minute, second, offset = match.groups()
    parsed = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    if offset:
        parsed = parsed.replace(tzinfo=parse_offset(offset))
    return parsed


def parse_offset(offset: str) -> timezone:
    if offset == "Z":
        return timezone.utc
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-delta if offset[0] == "-" else delta)


def page_date(value, zone: tzinfo):
    """A page's `date` as Jekyll leaves it (it parses only posts' dates): a YAML date stays a date, a
    timestamp is a time with the offset it was written with, any other text stays text."""
    if isinstance(value, datetime):     # a YAML timestamp: UTC unless it says otherwise, as Ruby's YAML
        return to_jekyll_date(value, value.tzinfo or timezone.utc)
    if isinstance(value, str):
        match = DATE_TEXT.match(value.strip())
        if match and match[4] is not None:     # with a time of day: Psych reads a timestamp
            written = datetime_from_match(match)
            unquoted = isinstance(value, Timestamp)
            return to_jekyll_date(written, written.tzinfo or (timezone.utc if unquoted else zone))
    return value


class SiteTime:
    """`site.time` (`reproducible_time` in the site's zone), asked of git the first time a document needs
    it: a build that reads the blog and then finds nothing changed runs no git."""

    def __init__(self, folder, zone: tzinfo) -> None:
        self.folder, self.zone = folder, zone
        self.known: JekyllDate | None = None

    def __call__(self) -> JekyllDate:
        if self.known is None:
            self.known = to_jekyll_date(reproducible_time(self.folder), self.zone)
        return self.known


def reproducible_time(folder) -> datetime:
    """SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/) when set, else the
    time of the last git commit that touched `folder`, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    import subprocess   # here, not at the top: a no-change build never runs git, and need not load this

    try:
        done = subprocess.run(["git", "-C", str(folder), "log", "-1", "--format=%ct", "--", "."],
                              capture_output=True, text=True, timeout=30,
                              env={key: value for key, value in os.environ.items() if not key.startswith("GIT_")})
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is not None and done.returncode == 0 and done.stdout.strip().isdigit():
        return datetime.fromtimestamp(int(done.stdout.strip()), timezone.utc)
    return datetime.now(timezone.utc)
