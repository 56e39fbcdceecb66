"""The audit trail: an append-only, hash-chained log of every state change.

``record_event()`` is called by every action inside the action's own
transaction; ``verify_chain()`` (and ``manage.py verify_audit``) recomputes the
chain and names the first broken link.
"""
