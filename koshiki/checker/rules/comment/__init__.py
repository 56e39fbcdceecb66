"""Comment rules: the ten 注意事項 of the published policy forms (RULES.md "Comment rules")."""
