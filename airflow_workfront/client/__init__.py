"""Workfront provider: client."""
