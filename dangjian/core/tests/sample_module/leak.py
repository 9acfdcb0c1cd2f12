"""Leak rows of the sample module (collected through its ModuleConfig)."""

from dangjian.core.tests.leakwalk import page

ROUTES = {"sample_module:hello": page()}
