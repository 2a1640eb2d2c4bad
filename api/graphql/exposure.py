"""How much the API tells about itself: introspection and "Did you mean …?"
suggestions are on unless `GRAPHQL_INTROSPECTION=false` (production, where only
known clients call). The IDE at `GET /graphql` is the web side's (`GRAPHQL_IDE`)."""

import re
from collections.abc import Iterator

from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from api.graphql.context import Context

# graphql-core words suggestions as a last sentence: "… Did you mean 'x' or 'y'?"
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


class IntrospectionSwitch(SchemaExtension):
    def _hidden(self) -> bool:
        context = self.execution_context.context
        return isinstance(context, Context) and not context.services.settings.graphql_introspection

    def on_operation(self) -> Iterator[None]:
        if self._hidden():
            rules = self.execution_context.validation_rules
            self.execution_context.validation_rules = (*rules, NoSchemaIntrospectionCustomRule)
        yield

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors
        if errors and self._hidden():
            # In place: strawberry has already taken this list for the response.
            errors[:] = [_without_suggestion(error) for error in errors]


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=error.extensions,
    )
