"""Rules of the `pii` family."""
