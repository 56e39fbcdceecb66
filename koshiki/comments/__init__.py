"""Citizens' comments on official accounts: inbox, classification, moderation, replies, follows (issue 7)."""
