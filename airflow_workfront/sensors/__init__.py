"""Sensors for Adobe Workfront (import them from their modules)."""
