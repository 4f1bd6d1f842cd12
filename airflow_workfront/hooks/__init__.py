"""Workfront provider: hooks."""
