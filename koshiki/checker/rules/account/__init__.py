"""Rules of the `account` family: the subject is an ``AccountRecord``, not a post.

Each rule yields at most one ``Hit(0, 0, ...)`` per record (the engine keeps
one finding per rule and span), naming every problem it found in that one
message. Helpers shared by the family live in ``_record.py`` (like every
family's ``_<topic>.py``).
"""
