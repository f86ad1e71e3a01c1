"""A complete, minimal project tested with restflow-testing: the one the docs show in full."""
