"""Hub schema revisions, date-prefixed, each with a real downgrade()."""
