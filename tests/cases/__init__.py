"""The async test cases, their event loop and their isolation."""
