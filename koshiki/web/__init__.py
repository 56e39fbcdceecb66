"""The Django project: settings, URL wiring, WSGI and middleware only (helpers live in ``koshiki.ui``)."""
