"""Question → retrieve → evidence → generate → verify → stream → cite, and the conversations that hold it."""
