"""The staff home page, sign-in with its lockout, and the menu: the top floor of the web application."""
