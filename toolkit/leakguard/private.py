"""Files Folio writes for the operator only: they must never be deployed, whatever text they hold.

`folio report` writes this marker into every file of a report (HTML, JSON, CSV); a site file
holding it is a leak (a report copied into site/ or docs/ by hand or by a deploy script).
Documentation describes the marker without spelling it, so the docs site stays deployable.
"""

PRIVATE_MARKER = "folio-private-operator-report" + ":v1"
PRIVATE_REASON = "a private operator's report written by `folio report` (never publish it; keep it outside site/)"
