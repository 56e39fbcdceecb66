"""Rules of the `neutrality` family."""
