"""A module that exists only for the tests of the module contract (installed by the test itself)."""
