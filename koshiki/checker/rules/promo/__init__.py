"""Rules of the `promo` family."""
