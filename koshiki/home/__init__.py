"""The staff home page, sign-in with its throttles, and the menu: the top floor of the web application."""
