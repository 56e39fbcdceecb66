"""The official-account registry: accounts, operation policies, security facts, lifecycle.

The lifecycle of each city is data (``koshiki/checker/profiles/procedures/``),
loaded by ``lifecycle.py``; every state change is an action in the ``actions`` package; who may see or
change an account is ``access.py``.
"""
