"""The test module's leak rows: collected like any module's because its AppConfig names them."""

from dangjian.core.tests.leakwalk import page

ROUTES = {"leakapp:orgs": page("org")}
