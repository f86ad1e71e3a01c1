# Minimal stubs for Channels (no type hints of its own): only what the suite uses.

DEFAULT_CHANNEL_LAYER: str
