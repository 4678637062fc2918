"""Small, one-line domain errors; the CLI prints them as `Error: ...` with exit code 1."""


class QuotesError(Exception):
    """Base class of every error the CLI reports without a traceback."""


class RulesError(QuotesError):
    """The rules file is missing or invalid."""


class InputError(QuotesError):
    """A document or corpus cannot be read."""


class StudioError(QuotesError):
    """Label Studio is unreachable, refuses the token, or rejects the data."""


class OutputError(QuotesError):
    """An output file cannot be written; nothing (no part of it) is left behind."""
