"""Managing the organisation (/org/): municipalities, units, staff and their roles, each change audited.

The tables and role resolution live one floor down in ``koshiki.org``; this app
holds the ``do_*`` actions that change them (they write audit events, so they
sit above ``koshiki.audit``), their pages and the ``create_municipality`` command.
"""
