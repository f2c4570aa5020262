"""`toolkit.gate.wsgi:app`: the gate for any WSGI host (gunicorn, uWSGI, mod_wsgi, a serverless adapter).

Reads the site's mkdocs.yml from FOLIO_CONFIG (default: mkdocs.yml in the
working folder) and the secrets from the environment, once per process.
"""

from __future__ import annotations

import os

from toolkit.gate import create_app
from toolkit.gate.settings import GateSettings

app = create_app(GateSettings.from_mkdocs(os.environ.get("FOLIO_CONFIG", "mkdocs.yml")))
