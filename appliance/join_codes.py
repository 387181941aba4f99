"""Course join codes: made to be read aloud in class and typed on a phone, and read back forgivingly.

A code is ten symbols of Crockford's base32 (digits and capitals without I, L, O and U, so nothing looks like
anything else), shown as two groups of five: 32**10 = 2**50, 50 bits, more than the 48 bits (six random bytes) of
the eight case-sensitive base64url characters courses were given before. Those older codes stay valid, matched
exactly as they were made; the two kinds never meet, since an older code is eight characters and a new one eleven.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
SYMBOLS = 10
GROUP = 5
BITS = 50  # SYMBOLS * log2(len(ALPHABET))
# Crockford's reading: any case, O for 0, I and L for 1.
LOOKALIKES = str.maketrans("OIL", "011")
# Spaces and dashes only group the symbols (a phone may turn "-" into a dash of another width).
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def new_code() -> str:
    """A fresh random code as it is stored and shown, e.g. 7K3QM-9XW2D."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS)))


def read_code(typed: str) -> str | None:
    """The code a student meant, as stored, whatever its case, spacing or lookalikes; None if it cannot be one."""
    symbols = SEPARATORS.sub("", typed).upper().translate(LOOKALIKES)
    if len(symbols) != SYMBOLS or not set(symbols) <= set(ALPHABET):
        return None
    return _grouped(symbols)


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))
