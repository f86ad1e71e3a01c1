"""A small bookshop API: drf-restflow async viewsets, a custom user model, object permissions
and a cached catalogue invalidated by signals. Its suite (``examples.bookshop.tests``) is
written with restflow-testing."""
