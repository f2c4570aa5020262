"""P1-P4 on generated sites (Hypothesis): see docs/security/properties.md.

Each example is a whole site (a priced course with free and paid chapters, members pages,
private files, sometimes a generator hook copying a private file into site/), built in this
process by Folio and again by MkDocs without the plugin.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given

from tests.properties.settings import note_example

from tests.properties.checks import check_site
from tests.properties.settings import examples
from tests.properties.sitegen import site_specs


@examples(in_suite=6)
@given(spec=site_specs())
def test_generated_sites_keep_p1_to_p4(spec):
    with tempfile.TemporaryDirectory(prefix="folio-prop-") as folder, note_example("P1-P4"):
        check_site(Path(folder) / "site-root", spec)
