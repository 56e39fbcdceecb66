"""Posts: drafts with live guideline checks, approval, pre-approved scopes, publication records
and corrections (issue 4); paid third-party campaigns are ``koshiki.campaigns``."""
