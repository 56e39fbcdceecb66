"""Images and videos attached to post drafts: stored once by SHA-256, checked, cleaned, recorded."""
