"""Every error pgseed raises on purpose, and the exit code the CLI gives it.

    PgseedError                 exit 1   base: a message a person can act on
    ├── ConfigError             exit 2   bad config file, key, flag or value
    │   └── AdminUUIDError      exit 2   DB_USER_ADMIN_UUID missing or not a UUID
    │                                    (also a RuntimeError, as spec 000 asks)
    ├── SafetyError             exit 3   target refused: not *_demo/*_test, APP_ENV=production
    ├── SchemaMismatchError     exit 4   the database's schema differs from the models
    ├── DatabaseUnavailable     exit 5   cannot connect, or the embedded server is not there
    │   └── DatabaseMissing     exit 5   the database itself does not exist (and this
    │                                    operation does not create it)
    ├── GenerationError         exit 1   a run failed while generating or loading (rolled back)
    ├── FileWriteError          exit 1   files could not be written (disk full, read-only,
    │                                    no permission): partial files removed, earlier ones kept
    └── VerificationFailed      exit 6   `verify` found a rule that does not hold

A signal that asks pgseed to stop is handled like Ctrl-C: the run rolls back (partial
files are removed), the summary and the reproduce line are printed, and the exit code is
the shell's 128 + signal number:

    Interrupted (a KeyboardInterrupt)
                                exit 130 SIGINT  (Ctrl-C)
                                exit 143 SIGTERM (kill, systemd, docker stop, CI timeouts)
                                exit 129 SIGHUP  (the terminal was closed)
"""

from __future__ import annotations


class PgseedError(Exception):
    """Base class: the message names the problem and the fix."""

    exit_code = 1


class ConfigError(PgseedError):
    """A config value, flag or file pgseed cannot use (exit 2); the message names the
    key, where its value came from and the fix."""

    exit_code = 2


class AdminUUIDError(ConfigError, RuntimeError):
    """Spec 000's DB_USER_ADMIN_UUID is missing or not a UUID (exit 2); the message
    holds a freshly generated one to paste."""

    exit_code = 2


class SafetyError(PgseedError):
    """A guard refused the operation (exit 3): APP_ENV=production, a database name
    without _demo/_test, or a destructive operation without --confirm."""

    exit_code = 3


class SchemaMismatchError(PgseedError):
    """The target's tables differ from what the pack can write into (exit 4)."""

    exit_code = 4


class DatabaseUnavailable(PgseedError):
    """The database cannot be reached or created (exit 5)."""

    exit_code = 5


class DatabaseMissing(DatabaseUnavailable):
    """The server answered that the database does not exist (exit 5). Callers that treat a
    missing database as empty (a dry run, a reset, the dashboard's summary) catch this
    class, never a message: "role ... does not exist" is another failure altogether."""


class GenerationError(PgseedError):
    """The run failed and was rolled back (exit 1): the database is as it was."""

    exit_code = 1


class FileWriteError(PgseedError):
    exit_code = 1


class VerificationFailed(PgseedError):
    """A verify rule failed, or there is nothing to verify (exit 6)."""

    exit_code = 6


INTERRUPTED_EXIT_CODE = 130


class Interrupted(KeyboardInterrupt):
    """A signal asked the run to stop. A KeyboardInterrupt, so every path that rolls back
    on Ctrl-C (and psycopg, which cancels the running query) treats it the same way."""

    def __init__(self, signum: int) -> None:
        import signal

        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name
        self.exit_code = 128 + signum
