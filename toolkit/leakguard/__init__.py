"""Fingerprints of paid text and the scan of site/ that proves none of it was published."""
