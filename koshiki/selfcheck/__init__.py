"""Staff self-check of a private post (京都市5): findings of the rules the profile applies to private use; nothing stored."""
