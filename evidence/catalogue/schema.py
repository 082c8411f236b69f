"""Reading and checking the catalogue file; its sections and fields are in ``sections``."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

import yaml

from evidence.catalogue.sections import (
    CONSTRAINT_FIELDS,
    DATE,
    DATETIME,
    LIST_SHAPES,
    MANY_TO_MANY,
    MODELS,
    NUMBER,
    OPTIONAL_SECTIONS,
    REFERENCES,
    SCHEMA,
    SECTIONS,
    Field,
    natural_key,
)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue.yaml"

__all__ = [
    "CONSTRAINT_FIELDS",
    "DATE",
    "DATETIME",
    "DEFAULT_PATH",
    "LIST_SHAPES",
    "MANY_TO_MANY",
    "MODELS",
    "NUMBER",
    "OPTIONAL_SECTIONS",
    "REFERENCES",
    "SCHEMA",
    "SECTIONS",
    "CatalogueError",
    "Field",
    "LoadReport",
    "SectionCount",
    "describe",
    "natural_key",
    "read_catalogue",
]


class CatalogueError(Exception):
    """The catalogue file cannot be loaded; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclasses.dataclass
class SectionCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # differs from the file, left as staff changed it


@dataclasses.dataclass
class LoadReport:
    version: str
    counts: dict[str, SectionCount]

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())

    @property
    def kept(self) -> int:
        return sum(c.kept for c in self.counts.values())


def describe(section: str, index: int, record: Any) -> str:
    if isinstance(record, dict):
        key = " × ".join(str(part) for part in natural_key(section, record) if part is not None)
        if key:
            return f"{section}[{index}] '{key}'"
    return f"{section}[{index}]"


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        datetime.date: "a date (YYYY-MM-DD)",
    }
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def _is_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # bool is an int in Python; a YAML "true" must not pass as a number.
    if isinstance(value, bool) and bool not in kinds:
        return False
    return isinstance(value, kinds)


# --- Reading and checking the file -----------------------------------------------------------


def read_catalogue(path: Path) -> dict[str, Any]:
    """Return the parsed catalogue file, or raise CatalogueError naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError([f"{path}: cannot be read: {exc.strerror or exc}."]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogueError([f"{path}: is not valid YAML{where}: {problem}."]) from exc
    errors = _check_shape(path, data)
    if errors:
        raise CatalogueError(errors)
    for section in OPTIONAL_SECTIONS:
        data.setdefault(section, [])
    return data


def _check_shape(path: Path, data: Any) -> list[str]:
    if not isinstance(data, dict):
        return [f"{path}: must be a mapping with the keys: version, {', '.join(SECTIONS)}."]
    errors: list[str] = []
    expected = {"version", *SECTIONS}
    for key in sorted(set(data) - expected, key=str):
        errors.append(f"{path}: unknown top-level key '{key}'.")
    for key in ["version", *SECTIONS]:
        if key not in data and key not in OPTIONAL_SECTIONS:
            errors.append(f"{path}: missing top-level key '{key}'.")
    if "version" in data and not (isinstance(data["version"], str) and data["version"].strip()):
        errors.append(f"{path}: 'version' must be non-empty text, e.g. \"2026.11.26\".")
    for section in SECTIONS:
        records = data.get(section)
        if section not in data:
            continue
        if not isinstance(records, list):
            errors.append(f"{path}: '{section}' must be a list of records.")
            continue
        errors.extend(_check_section(path, section, records))
    return errors


def _check_section(path: Path, section: str, records: list[Any]) -> list[str]:
    errors: list[str] = []
    fields = {f.name: f for f in SCHEMA[section]}
    seen: dict[tuple, int] = {}
    for index, record in enumerate(records):
        where = f"{path}: {describe(section, index, record)}"
        if not isinstance(record, dict):
            errors.append(f"{where}: must be a mapping of field names to values.")
            continue
        for name in sorted(set(record) - set(fields), key=str):
            allowed = ", ".join(fields)
            errors.append(f"{where}: unknown field '{name}' (allowed: {allowed}).")
        for field in fields.values():
            value = record.get(field.name)
            if value is None:
                if field.required:
                    errors.append(f"{where}: field '{field.name}' is required.")
                continue
            if not _is_kind(value, field.kind):
                errors.append(
                    f"{where}: field '{field.name}' must be {_type_name(field.kind)}, "
                    f"not {value!r}."
                )
                continue
            shape = LIST_SHAPES.get((section, field.name))
            if shape:
                errors.extend(_check_list(where, field.name, value, *shape))
        key = natural_key(section, record)
        if all(part is not None for part in key):
            if key in seen:
                errors.append(f"{where}: repeats record {seen[key]} of '{section}'.")
            else:
                seen[key] = index
    return errors


def _check_list(
    where: str,
    name: str,
    value: list[Any],
    length: int | None,
    item_kind: type | tuple[type, ...],
    allowed: set[str] | None,
) -> list[str]:
    if length is not None and len(value) != length:
        return [f"{where}: field '{name}' must be a list of exactly {length} items."]
    errors = []
    for item in value:
        if not _is_kind(item, item_kind):
            errors.append(
                f"{where}: field '{name}' must hold {_type_name(item_kind)} items, not {item!r}."
            )
        elif allowed is not None and item not in allowed:
            errors.append(
                f"{where}: field '{name}' has '{item}'; allowed: {', '.join(sorted(allowed))}."
            )
    if allowed is not None and not value:
        errors.append(
            f"{where}: field '{name}' needs at least one of {', '.join(sorted(allowed))}."
        )
    return errors
