"""Metrics: definitions computed exactly from counts or patient-level data, one family per module."""
