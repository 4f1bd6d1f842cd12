"""Workfront provider: emulator."""
