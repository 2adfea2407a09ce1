"""Liquid, as Jekyll renders it: python-liquid with Jekyll's tags, filters and data model."""
