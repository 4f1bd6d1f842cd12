"""Typed errors for Workfront failures, and the one function that maps a response to them.

Every error says what was asked (operation, object code, IDs) and what Workfront answered
(HTTP status, error class, message). None of them ever carries a credential: messages are built
only from the request's operation and path and from Workfront's answer.
"""

from __future__ import annotations

from typing import Any


class WorkfrontError(Exception):
    """Base class of every error the Workfront client raises.

    :param message: What went wrong, in words.
    :param operation: The client operation (``search``, ``create``...).
    :param obj_code: The Workfront object code involved, if any.
    :param status_code: The HTTP status, if a response came back.
    :param error_class: Workfront's exception class (``com.attask.common.NotFoundException``...).
    :param wf_message: Workfront's own message.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        obj_code: str | None = None,
        status_code: int | None = None,
        error_class: str | None = None,
        wf_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.obj_code = obj_code
        self.status_code = status_code
        self.error_class = error_class
        self.wf_message = wf_message

    @property
    def retryable(self) -> bool:
        """Whether repeating the same request may succeed."""
        return False


class WorkfrontTransportError(WorkfrontError):
    """The request never got an HTTP answer (connection refused or dropped, timeout, TLS)."""

    @property
    def retryable(self) -> bool:
        return True


class WorkfrontResponseError(WorkfrontError):
    """Workfront (or a proxy in front of it) answered with something that is not Workfront JSON."""


class WorkfrontAuthenticationError(WorkfrontError):
    """The credentials were refused, missing or expired (401, ``AuthenticationException``)."""


class WorkfrontPermissionError(WorkfrontError):
    """The user may not do this (403, ``SecurityException``, not allowed)."""


class WorkfrontNotFoundError(WorkfrontError):
    """The object, route or subscription does not exist (404, ``NotFoundException``)."""


class WorkfrontBadRequestError(WorkfrontError):
    """Workfront rejected the request itself: unknown field or object code, bad value, too large
    a limit, validation failure (400, 410, 414, 422, ``IllegalArgumentException``)."""


class WorkfrontRateLimitError(WorkfrontError):
    """Too many concurrent requests for the customer (429), still refused after retries.

    :param retry_after: Seconds Workfront asked to wait, when it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return True


class WorkfrontServerError(WorkfrontError):
    """Workfront failed (5xx), still failing after retries."""

    @property
    def retryable(self) -> bool:
        return True


class WorkfrontBulkError(WorkfrontError):
    """A bulk call in which some records failed; ``result`` holds what succeeded and what did not."""

    def __init__(self, message: str, *, result: Any, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.result = result


_CLASS_HINTS: list[tuple[str, type[WorkfrontError]]] = [
    ("AuthenticationException", WorkfrontAuthenticationError),
    ("NotLoggedIn", WorkfrontAuthenticationError),
    ("SecurityException", WorkfrontPermissionError),
    ("NotAllowed", WorkfrontPermissionError),
    ("AccessDenied", WorkfrontPermissionError),
    ("NotFoundException", WorkfrontNotFoundError),
    ("ObjectNotFound", WorkfrontNotFoundError),
    ("IllegalArgumentException", WorkfrontBadRequestError),
    ("ValidationException", WorkfrontBadRequestError),
    ("UnsupportedOperationException", WorkfrontBadRequestError),
    ("JSONException", WorkfrontBadRequestError),
]

_MESSAGE_HINTS: list[tuple[str, type[WorkfrontError]]] = [
    ("not currently logged in", WorkfrontAuthenticationError),
    ("invalid apikey", WorkfrontAuthenticationError),
    ("session", WorkfrontAuthenticationError),
    ("not found", WorkfrontNotFoundError),
    ("does not support field", WorkfrontBadRequestError),
    ("unknown object", WorkfrontBadRequestError),
    ("greater than the maximum", WorkfrontBadRequestError),
]

_STATUS: dict[int, type[WorkfrontError]] = {
    400: WorkfrontBadRequestError,
    401: WorkfrontAuthenticationError,
    403: WorkfrontPermissionError,
    404: WorkfrontNotFoundError,
    405: WorkfrontBadRequestError,
    409: WorkfrontBadRequestError,
    410: WorkfrontBadRequestError,
    413: WorkfrontBadRequestError,
    414: WorkfrontBadRequestError,
    422: WorkfrontBadRequestError,
    429: WorkfrontRateLimitError,
}


def _classify(status: int | None, error_class: str, wf_message: str) -> type[WorkfrontError]:
    if status in _STATUS:
        return _STATUS[status]
    if status is not None and status >= 500:
        return WorkfrontServerError
    for hint, kind in _CLASS_HINTS:
        if hint.lower() in error_class.lower():
            return kind
    lowered = wf_message.lower()
    for hint, kind in _MESSAGE_HINTS:
        if hint in lowered:
            return kind
    return WorkfrontError


def describe_request(operation: str | None, obj_code: str | None, target: str | None) -> str:
    """``"search TASK"`` / ``"get PROJ 58d3..."``: the asked part of an error message."""
    return " ".join(part for part in (operation, obj_code, target) if part) or "request"


def error_from_response(
    status: int | None,
    body: Any,
    *,
    operation: str | None = None,
    obj_code: str | None = None,
    target: str | None = None,
    text: str | None = None,
    retry_after: float | None = None,
) -> WorkfrontError:
    """Map one failed response to a typed error.

    :param status: HTTP status (200 for an ``error`` envelope inside a 200 answer).
    :param body: The parsed JSON body, or ``None`` when it was not JSON.
    :param target: What the request addressed (an ID, a path), for the message.
    :param text: The raw body when it was not JSON; a short excerpt goes in the message.
    """
    asked = describe_request(operation, obj_code, target)
    common: dict[str, Any] = {"operation": operation, "obj_code": obj_code, "status_code": status}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) or isinstance(error, str):
        if isinstance(error, str):
            error = {"message": error}
        error_class = str(error.get("class") or "")
        wf_message = str(error.get("message") or error.get("title") or "").strip()
        kind = _classify(status, error_class, wf_message)
        short_class = error_class.rsplit(".", 1)[-1] or "error"
        message = f"{asked} failed: Workfront answered HTTP {status} {short_class}: {wf_message or '(no message)'}"
        return kind(message, error_class=error_class or None, wf_message=wf_message or None, **common,
                    **_rate_limit_extra(kind, retry_after))
    if body is None:
        excerpt = " ".join((text or "").split())[:200]
        kind = _STATUS.get(status or 0) or (WorkfrontServerError if (status or 0) >= 500 else WorkfrontResponseError)
        message = f"{asked} failed: HTTP {status} with a non-JSON body: {excerpt or '(empty)'}"
        return kind(message, **common, **_rate_limit_extra(kind, retry_after))
    kind = _STATUS.get(status or 0) or (WorkfrontServerError if (status or 0) >= 500 else WorkfrontResponseError)
    message = f"{asked} failed: HTTP {status} without data or error in the JSON body"
    return kind(message, **common, **_rate_limit_extra(kind, retry_after))


def _rate_limit_extra(kind: type[WorkfrontError], retry_after: float | None) -> dict[str, Any]:
    """``retry_after`` for a rate-limit error; nothing for the other kinds."""
    return {"retry_after": retry_after} if kind is WorkfrontRateLimitError else {}


def redact(error: WorkfrontError, secrets: list[str]) -> WorkfrontError:
    """Replace, in ``error``'s message, any credential the server repeated back with ``***``.

    Messages are built only from the request's operation and path and from the answer, but a
    server or proxy may echo what it was sent (a refused token, a password). A multi-line secret
    (a private key) is also redacted line by line, since an excerpt may have re-joined its lines.
    """
    words: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        words.add(secret)
        if "\n" in secret:
            words.update(line.strip() for line in secret.splitlines()
                         if len(line.strip()) >= 16 and not line.startswith("-----"))
    if not words:
        return error
    ordered = sorted(words, key=len, reverse=True)  # a whole key before its lines

    def clean(text: str) -> str:
        for word in ordered:
            text = text.replace(word, "***")
        return text

    if error.args and isinstance(error.args[0], str):
        error.args = (clean(error.args[0]), *error.args[1:])
    if error.wf_message:
        error.wf_message = clean(error.wf_message)
    return error
