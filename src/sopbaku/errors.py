"""The project's exceptions, each carrying the exit code the CLI turns it into.

The library never calls ``sys.exit``; the CLI maps every :class:`SopbakuError`
to one line on stderr and its :class:`ExitCode`, so scripts and the hot folder
can act on the kind of failure (the taxonomy follows OCRmyPDF's).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    different = 1  # `sopbaku diff`: the two sides differ
    bad_args = 2
    input_file = 3  # unreadable, empty, wrong type, not an SOP
    missing_dependency = 4
    invalid_config = 5
    invalid_output = 6  # the model failed validation at a stage boundary
    child_process = 7  # tesseract, LibreOffice ... failed or timed out
    encrypted_pdf = 8
    partial = 9  # some files of a batch failed
    internal = 15


class SopbakuError(Exception):
    """Base class: a failure with a one-line, user-facing message."""

    exit_code: ExitCode = ExitCode.internal


class InputFileError(SopbakuError):
    """The input cannot be read as an SOP document."""

    exit_code = ExitCode.input_file


class UnsupportedFormatError(InputFileError):
    """No reader accepts this file type."""


class MissingDependencyError(SopbakuError):
    """An external program (tesseract, soffice ...) or optional package is absent."""

    exit_code = ExitCode.missing_dependency


class ConfigError(SopbakuError):
    """A setting, role file or template is invalid."""

    exit_code = ExitCode.invalid_config


class ModelValidationError(SopbakuError):
    """A stage produced a model that breaks the declared schema (a bug, not bad input)."""

    exit_code = ExitCode.invalid_output


class ExternalToolError(SopbakuError):
    """An external program failed or ran past its time limit."""

    exit_code = ExitCode.child_process


class EncryptedPdfError(InputFileError):
    """The PDF is password-protected: its content cannot be read without the password."""

    exit_code = ExitCode.encrypted_pdf
