"""Rules of the `link` family."""
