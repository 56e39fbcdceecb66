"""Organisation and people: the municipality, its unit tree, roles, and access.

``access.py`` is the one module that decides who sees or changes what.
"""
