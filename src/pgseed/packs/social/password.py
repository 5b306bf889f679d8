"""The one password hash of a run (spec 004 Phase 2: "password hash").

Every seeded user can sign in with :data:`DEMO_PASSWORD`. The hash is a real bcrypt hash
(the ``bcrypt`` library, never hand-rolled), computed once per run; its salt comes from the
run seed instead of the system's random source, so the same seed gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib

import bcrypt

DEMO_PASSWORD = "pgseed-demo-password"
ROUNDS = 10  # about 0.1 s once per run; the application checks it like any other hash

_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BCRYPT = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def password_hash(run_seed: str, password: str = DEMO_PASSWORD) -> str:
    """``$2b$10$...`` for ``password``, salted by 16 bytes of blake2b(run seed)."""
    raw = hashlib.blake2b(run_seed.encode(), digest_size=16, person=b"pgseed-salt").digest()
    # 16 bytes are 22 base64 characters, the last carrying 2 bits: bcrypt's canonical form.
    salt = base64.b64encode(raw).decode()[:22].translate(str.maketrans(_STD, _BCRYPT))
    return bcrypt.hashpw(password.encode(), f"$2b${ROUNDS:02d}${salt}".encode()).decode()
