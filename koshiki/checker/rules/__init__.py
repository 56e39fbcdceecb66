"""Rule modules, one per rule id, grouped by family."""
