"""The documentation: its examples run, its reference, the demo."""
