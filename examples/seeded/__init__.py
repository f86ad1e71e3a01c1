"""A project with seeded bugs beside clean endpoints: what the fuzzer's benchmark runs on.

It serves the bookshop's own API (clean) and, under ``/buggy/``, views that each hide one bug
of the kind a fuzz check exists to find; :data:`examples.seeded.bugs.SEEDED_BUGS` lists them.
"""
