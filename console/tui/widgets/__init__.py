"""Reusable widgets of the console, one folder per feature."""
