"""What authors wrote: front matter, schemas, the content model, prices, text helpers, scaffolds, UI strings."""
