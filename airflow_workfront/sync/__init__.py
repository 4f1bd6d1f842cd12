"""Workfront provider: sync."""
