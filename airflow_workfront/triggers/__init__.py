"""Workfront provider: triggers."""
