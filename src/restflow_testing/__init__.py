"""Typed, async-first test SDK for Django REST framework APIs."""
