"""Workfront provider: sensors."""
