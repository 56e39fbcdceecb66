"""Public directory of official accounts: pages, open data, the verify API and look-alike detection.

No login. ``lookalike`` and ``platform_urls`` are pure Python and import nothing from Django.
"""
