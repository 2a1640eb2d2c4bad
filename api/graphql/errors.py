"""The two kinds of error the API returns, and the masking of everything else.

- A *user error* (`UserError` in a mutation payload): the input was understood and
  refused, with a code and the path of the field at fault (`api.errors`).
- A *GraphQL error* with `extensions.code`: the operation could not run at all
  (not signed in, not allowed, malformed argument, over a limit).

Anything else is a bug: clients see "Internal error" with a request id, and the log
holds the stack trace under that id.
"""

import logging
from enum import StrEnum
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.utils.str_converters import to_camel_case

from api.errors import CODE_DESCRIPTIONS, UserErrorCode, UserInputError
from api.logs import request_id_var

logger = logging.getLogger("api.errors")


class ErrorCode(StrEnum):
    """`extensions.code` of GraphQL errors."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    INTERNAL = "INTERNAL"


def api_error(message: str, code: ErrorCode, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value, **extensions})


def error_body(message: str, code: ErrorCode) -> dict[str, Any]:
    """A GraphQL response body for errors raised before execution (HTTP 401, 413)."""
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code.value}}]}


strawberry.enum(UserErrorCode)
for _value in UserErrorCode.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = CODE_DESCRIPTIONS.get(UserErrorCode(_value.value))


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, if any."
    )
    message: str
    code: UserErrorCode


def field_path(field: list[str] | None) -> list[str] | None:
    """An operation's field path as the API spells it."""
    return [to_camel_case(name) for name in field] if field is not None else None


def user_error(error: UserInputError) -> UserError:
    return UserError(field=field_path(error.field), message=error.message, code=error.code)


def as_graphql_error(error: UserInputError) -> GraphQLError:
    """For bad arguments of queries, which have no payload to carry user errors."""
    return GraphQLError(
        error.message, extensions={"code": error.code.value, "field": field_path(error.field)}
    )


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected errors, and gives every other error a code: those graphql-core
    raises itself (syntax, validation, the depth/alias/token limits, variables of the
    wrong type) are the client's, so INVALID."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [
            error if (error.extensions or {}).get("code") else _with_code(error, ErrorCode.INVALID)
            for error in super()._process_errors(errors)
        ]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        return GraphQLError(
            f"Internal error (request id {request_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id},
        )


def _with_code(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code.value},
    )


def log_unexpected_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        if is_unexpected(error):
            logger.error(
                "unexpected error at %s (request id %s)",
                error.path,
                request_id_var.get(),
                exc_info=error.original_error,
            )
