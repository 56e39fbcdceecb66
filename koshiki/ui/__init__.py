"""Ground-floor helpers for every app's pages: outcome messages, form fields, template tags, base templates.

Imports no Koshiki app (only Django, ``koshiki.errors`` and ``koshiki.fiscal``), so any app may
import it without an arrow running up the floors.
"""
