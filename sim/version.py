"""The package version (one place; the summaries and manifests record it)."""

__version__ = "0.1.0"
