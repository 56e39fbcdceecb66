"""Organisation: the municipality, its unit tree, role assignments, and role resolution.

The floor above the ground: it imports no other app. ``access.py`` resolves
who holds which role where; who may see or change an object lives in the
object's own app (``registry.access``, ``posts.access``, ...). Changes to the
organisation are ``koshiki.people``'s actions (they are audited, and the
trail sits one floor up).
"""
