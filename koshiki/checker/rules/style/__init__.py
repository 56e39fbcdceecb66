"""Rules of the `style` family."""
