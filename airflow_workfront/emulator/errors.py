"""Workfront-shaped API errors: ``{"error": {"class": ..., "message": ...}}`` with an HTTP status."""

from __future__ import annotations


class ApiError(Exception):
    """An error answered the way Workfront answers it (see fixtures/exception.json)."""

    def __init__(self, status: int, error_class: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_class = error_class
        self.message = message

    def body(self) -> dict:
        """The JSON body Workfront sends."""
        return {"error": {"class": self.error_class, "message": self.message, "title": None,
                          "msgKey": "exception.attask", "attributes": [""], "code": 0}}


def bad_request(message: str) -> ApiError:
    """An ``IllegalArgumentException`` (Workfront's answer to bad parameters)."""
    return ApiError(400, "java.lang.IllegalArgumentException", message)


def not_found(message: str) -> ApiError:
    """A ``NotFoundException``."""
    return ApiError(404, "com.attask.common.NotFoundException", message)


def unauthenticated(message: str = "You are not currently logged in") -> ApiError:
    """An ``AuthenticationException``."""
    return ApiError(401, "com.attask.common.AuthenticationException", message)


def forbidden(message: str) -> ApiError:
    """A ``SecurityException``."""
    return ApiError(403, "com.attask.common.SecurityException", message)


def unprocessable(message: str) -> ApiError:
    """A validation failure (HTTP 422)."""
    return ApiError(422, "com.attask.common.ValidationException", message)


def not_supported(what: str) -> ApiError:
    """Something Workfront does that this emulator does not: never a silent success."""
    return ApiError(400, "java.lang.UnsupportedOperationException", f"{what} is not supported by the emulator")
