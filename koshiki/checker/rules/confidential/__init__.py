"""Rules of the `confidential` family."""
