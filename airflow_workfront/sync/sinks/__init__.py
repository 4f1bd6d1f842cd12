"""Destinations for the sync engine: SQL tables and object storage."""
