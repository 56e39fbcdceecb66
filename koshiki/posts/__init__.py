"""Posts: drafts with live guideline checks, approval, pre-approved scopes, publication records,
corrections and paid third-party campaigns (issue 4)."""
