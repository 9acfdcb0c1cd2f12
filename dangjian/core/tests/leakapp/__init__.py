"""A module that exists only for the tests: registered through its AppConfig and nothing else."""
