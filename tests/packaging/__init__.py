"""The wheel and the sdist."""
