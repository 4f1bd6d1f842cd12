"""Workfront provider: operators."""
