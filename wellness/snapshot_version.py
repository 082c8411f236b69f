"""The version of a catalogue snapshot: a hash of its content, the same in every process."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from wellness.recommender import FindingNumbers, SourceRef


def _version(content: tuple) -> str:
    """Return the content's version: a hash of ``repr(_canonical(content))``, made piecewise.

    The whole repr of a large catalogue is tens of megabytes; it is fed to the hash in pieces
    instead, byte for byte the same, so versions do not depend on how the hash was fed.
    """
    digest = hashlib.sha256()
    _write_canonical(content, lambda text: digest.update(text.encode()), {})
    return digest.hexdigest()[:12]


def _write_canonical(value, write: Callable[[str], Any], memo: dict) -> None:
    """Write ``repr(_canonical(value))``, walking dicts and sequences without copying them."""
    if isinstance(value, dict):
        items = sorted(value.items())
        write("(")
        for n, (key, item) in enumerate(items):
            write(f"{', ' if n else ''}({key!r}, ")
            _write_canonical(item, write, memo)
            write(")")
        write(",)" if len(items) == 1 else ")")
    elif type(value) in (list, tuple):
        write("(")
        for n, item in enumerate(value):
            if n:
                write(", ")
            _write_canonical(item, write, memo)
        write(",)" if len(value) == 1 else ")")
    else:
        write(_canonical_repr(value, memo))


_PLAIN = frozenset({str, int, bool, float, Decimal, type(None)})
_FIELD_PREFIXES: dict[type, tuple[str, tuple[tuple[str, str], ...]]] = {}


def _canonical_repr(value, memo: dict) -> str:
    """Return ``repr(_canonical(value))``; shared objects (sources, format sets) once each."""
    if type(value) in _PLAIN:
        return repr(value)
    if id(value) in memo:
        return memo[id(value)][1]
    if dataclasses.is_dataclass(value):
        kind = type(value)
        if kind not in _FIELD_PREFIXES:
            names = tuple((f.name, f"({f.name!r}, ") for f in dataclasses.fields(value))
            _FIELD_PREFIXES[kind] = (repr(kind.__name__), names)
        name, fields = _FIELD_PREFIXES[kind]
        parts = []
        for field, prefix in fields:
            item = getattr(value, field)
            item_repr = repr(item) if type(item) in _PLAIN else _canonical_repr(item, memo)
            parts.append(f"{prefix}{item_repr})")
        text = f"({name}, ({parts[0]},))" if len(parts) == 1 else f"({name}, ({', '.join(parts)}))"
    else:
        text = repr(_canonical(value))
    if isinstance(value, (SourceRef, FindingNumbers, frozenset)):
        memo[id(value)] = (value, text)  # kept alive with it, so its id is never reused
    return text


def _canonical(value):
    """Return a repr-stable form: dicts and sets sorted, so the version is the same everywhere."""
    if dataclasses.is_dataclass(value):
        fields = dataclasses.fields(value)
        return (
            type(value).__name__,
            tuple((f.name, _canonical(getattr(value, f.name))) for f in fields),
        )
    if isinstance(value, dict):
        return tuple((k, _canonical(v)) for k, v in sorted(value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(value))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    return value
