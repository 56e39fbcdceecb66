"""Operations: the health endpoint, the daily duty run, backup and restore (docs/deploy.md)."""
