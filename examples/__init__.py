"""Example projects built and tested with restflow-testing."""
