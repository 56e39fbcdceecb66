"""City settings: each city's own values over its guideline profile, edited by the governance office."""
