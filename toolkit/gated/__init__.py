"""The private output: one page per paid chapter, a zip and an EPUB per product, manifest.json."""
