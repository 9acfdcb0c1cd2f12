"""dangjian: the grassroots party-building responsibility platform."""

# Kept equal to pyproject.toml's version (a test checks); backups record it.
__version__ = "0.1.0"
