"""Pages of the ledger: lists, items, the ledger table and its export, statistics and escalation.

Each view parses input, fetches through core.scoping (404 for "missing" and "not yours"),
calls one service from ledger.services (or a selector for reads) and renders.
"""
