"""Every error pgseed raises on purpose, and the exit code the CLI gives it.

    PgseedError                 exit 1   base: a message a person can act on
    ├── ConfigError             exit 2   bad config file, key, flag or value
    │   └── AdminUUIDError      exit 2   DB_USER_ADMIN_UUID missing or not a UUID
    │                                    (also a RuntimeError, as spec 000 asks)
    ├── SafetyError             exit 3   target refused: not *_demo/*_test, APP_ENV=production
    ├── SchemaMismatchError     exit 4   the database's schema differs from the models
    ├── DatabaseUnavailable     exit 5   cannot connect, or the embedded server is not there
    ├── GenerationError         exit 1   a run failed while generating or loading (rolled back)
    └── VerificationFailed      exit 6   `verify` found a rule that does not hold

Ctrl-C during a run is reported as an interruption and exits 130.
"""

from __future__ import annotations


class PgseedError(Exception):
    """Base class: the message names the problem and the fix."""

    exit_code = 1


class ConfigError(PgseedError):
    exit_code = 2


class AdminUUIDError(ConfigError, RuntimeError):
    exit_code = 2


class SafetyError(PgseedError):
    exit_code = 3


class SchemaMismatchError(PgseedError):
    exit_code = 4


class DatabaseUnavailable(PgseedError):
    exit_code = 5


class GenerationError(PgseedError):
    exit_code = 1


class VerificationFailed(PgseedError):
    exit_code = 6


INTERRUPTED_EXIT_CODE = 130
