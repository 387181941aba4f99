"""Where everything is kept: SQLite (the source of truth), the vector copy, locks and files on disk."""
