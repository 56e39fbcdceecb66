"""Koshiki (公式): governance of municipal social-media accounts."""

__version__ = "0.1.0"
