"""Upload → parse → chunk → embed → store: turning a teacher's file into searchable passages."""
