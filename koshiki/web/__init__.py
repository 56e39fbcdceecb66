"""The Django project: settings, URLs, base templates and shared view helpers."""
