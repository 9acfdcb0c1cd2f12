"""Leak rows of the sample module (collected through its ModuleConfig)."""

ROUTES = {"sample_module:hello": "page"}
