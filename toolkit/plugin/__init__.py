"""The MkDocs plugin (hooks only coordinate) and the steps it runs: public pages, teasers, listings, staging."""
