"""Demo lists and items (filled in below)."""


def build(ctx) -> None:
    """Placeholder until the demo contributor is written."""
