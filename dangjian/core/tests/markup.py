"""Comparing markup written in Python with the template it replaced."""

from __future__ import annotations

import re


def squeezed(html: str) -> str:
    """``html`` without the whitespace between elements (a template's indentation is not part of the markup)."""
    return re.sub(r">\s+<", "><", html.strip())


def assert_rows_as_template(write, template: str, pages, language: str) -> None:
    """``write(page)`` (a tag writing a list's rows) gives the markup ``template`` rendered for each page in
    ``pages`` (``{"page": page}``), in ``language``."""
    from django.template import engines
    from django.utils import translation

    reference = engines["django"].from_string(template)
    with translation.override(language):
        for page in pages:
            assert squeezed(write(page)) == squeezed(reference.render({"page": page}))
