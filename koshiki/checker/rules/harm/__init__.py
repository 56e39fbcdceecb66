"""Rules of the `harm` family."""
