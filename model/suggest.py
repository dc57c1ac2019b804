"""Did you mean …? The field a misspelt key was meant to be, read off a pydantic schema.

An unknown key in a scenario or a sweep config is an error; :func:`unknown_field` turns it into
one that names the nearest field the schema allows there (difflib's ratio, as Python's own
``NameError`` suggestions do), or lists the fields when none is near.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel


def allowed_fields(schema: type[BaseModel], loc: Sequence[Any]) -> list[str] | None:
    """The field names the schema allows at the table that holds ``loc``'s last key (None when
    the path does not lead to a pydantic model, e.g. a free-form table)."""
    node: Any = schema
    for part in loc[:-1]:
        node = _inner(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(str(part))
            if field is None:
                return None
            node = field.annotation
            continue
        origin = typing.get_origin(node)
        args = typing.get_args(node)
        if origin in (dict, typing.Dict) and len(args) == 2:  # noqa: UP006
            node = args[1]  # part is a key of the table
        elif origin in (tuple, list) and args:
            node = args[0]  # part is a position
        else:
            return None
    node = _inner(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [name for name, f in node.model_fields.items() if not f.exclude]
    return None


def _inner(node: Any) -> Any:
    """``X | None`` and ``Annotated[X, …]`` → X (the first model among a union's members)."""
    origin = typing.get_origin(node)
    if origin is typing.Annotated:
        return _inner(typing.get_args(node)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(node) if a is not type(None)]
        for member in members:
            if isinstance(member, type) and issubclass(member, BaseModel):
                return member
        return members[0] if len(members) == 1 else node
    return node


def unknown_field(schema: type[BaseModel], loc: Sequence[Any],
                  reference: str = "the scenario schema (docs/ODD.md)") -> str:
    """The message for an unknown key at ``loc``: the nearest allowed field, or the list (or,
    where the schema fixes no fields, a pointer to ``reference``)."""
    key = str(loc[-1]) if loc else ""
    allowed = allowed_fields(schema, loc)
    if not allowed:
        return f"unknown field; check its spelling against {reference}"
    near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if near:
        return f"unknown field; did you mean {near[0]!r}?"
    return f"unknown field; expected one of {', '.join(allowed)}"
