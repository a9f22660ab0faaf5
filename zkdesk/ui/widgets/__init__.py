"""Reusable widgets: the record list (record_view)."""
