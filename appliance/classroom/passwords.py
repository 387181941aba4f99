"""Password hashing with argon2id (memory-hard), the only module that imports argon2."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True when `password` matches; never raises for a wrong password or a damaged hash."""
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong username costs as long as a wrong password."""
    return hash_password("not-a-real-password")
