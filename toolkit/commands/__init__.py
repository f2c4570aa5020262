"""One module per `folio` command; each exposes a click `command`."""
