"""The one "today" of a build: pinned by SOURCE_DATE_EPOCH, as MkDocs pins its build date."""

from __future__ import annotations

import datetime as dt
import os

from toolkit.errors import FolioError


def today() -> dt.date:
    """SOURCE_DATE_EPOCH's day (UTC) when set, so builds and tests are reproducible; else the local date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise FolioError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970; "
                         "unset it or set it to e.g. 1767225600") from None
