"""Comparing markup written in Python with the template it replaced."""

from __future__ import annotations

import re


def squeezed(html: str) -> str:
    """``html`` without the whitespace between elements (a template's indentation is not part of the markup)."""
    return re.sub(r">\s+<", "><", html.strip())
