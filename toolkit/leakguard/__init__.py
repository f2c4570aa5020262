"""The leak guard: paid text never reaches a public output unnoticed.

`normalize` (visible words of any format), `contents` (what text a site file holds),
`fingerprints` (shingles of paid text, minus what is public anyway), `scan` (every
file of a site checked, leaks reported with file, paid page and snippet).
"""

from toolkit.leakguard.fingerprints import Fingerprints
from toolkit.leakguard.scan import Allowed, Leak, LeakError, Report, check_site, scan_report, scan_site, site_files

__all__ = ["Allowed", "Fingerprints", "Leak", "LeakError", "Report", "check_site", "scan_report", "scan_site", "site_files"]
