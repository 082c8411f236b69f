"""The shape of the catalogue file: sections, fields, how each maps to the models, checks."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models

from evidence.models import Finding, SafetyRule, Source
from therapies.models import Condition, CrisisContact, Goal, Therapy

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue.yaml"

SECTIONS = (
    "sources",
    "goals",
    "conditions",
    "therapies",
    "crisis_contacts",
    "findings",
    "safety_rules",
)

# Which field of the file a database constraint speaks about, so its message can name it.
CONSTRAINT_FIELDS = {
    "therapy_session_length_in_order": "session_minutes",
    "therapy_offered_in_some_format": "formats",
    "therapy_next_review_after_last": "next_review_on",
    "therapy_kind_valid": "kind",
    "therapy_pressure_valid": "pressure",
    "condition_single_crisis_question": "is_crisis",
    "crisis_contact_unique_name": "name",
    "crisis_contact_reachable": "phone",
    "crisis_contact_region_valid": "region",
    "source_year_plausible": "year",
    "source_status_valid": "status",
    "source_type_valid": "type",
    "finding_about_one_therapy_or_one_kind": "therapy",
    "finding_ci_low_not_above_high": "ci",
    "finding_value_not_below_ci": "ci",
    "finding_value_not_above_ci": "ci",
    "finding_number_has_measure": "measure",
    "finding_ci_has_both_ends": "ci",
    "finding_direction_valid": "direction",
    "finding_certainty_valid": "certainty",
    "safety_rule_one_per_condition_and_therapy": "therapy",
    "safety_rule_effect_valid": "effect",
}


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


# --- The shape of each section ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    """One field of a record in the file and the model field(s) it fills."""

    name: str
    kind: type | tuple[type, ...]
    required: bool = True
    # Model field name, or a function from the file value to a dict of model field values.
    to_model: str | Callable[[Any], dict[str, Any]] | None = None

    def model_values(self, value: Any) -> dict[str, Any]:
        if callable(self.to_model):
            return self.to_model(value)
        return {self.to_model or self.name: value}


def _pair(low_name: str, high_name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda v: {low_name: v[0], high_name: v[1]}


def _formats(value: list[str]) -> dict[str, bool]:
    return {
        "in_person": "in-person" in value,
        "online": "online" in value,
        "group": "group" in value,
    }


def _decimal_pair(value: list[Any]) -> dict[str, Decimal]:
    return {"ci_low": _decimal(value[0]), "ci_high": _decimal(value[1])}


def _decimal(value: Any) -> Decimal:
    # str() first: a YAML float such as 14.7 must become exactly Decimal("14.7").
    return Decimal(str(value))


NUMBER = (int, float)
DATE = (datetime.date, str)
DATETIME = (datetime.datetime, str)


def _user(field_name: str) -> Callable[[Any], dict[str, Any]]:
    """Map a username to the staff user, or to nobody where no such user exists here."""

    def to_model(username: str) -> dict[str, Any]:
        from django.contrib.auth import get_user_model

        return {field_name: get_user_model().objects.filter(username=username).first()}

    return to_model


SCHEMA: dict[str, tuple[Field, ...]] = {
    "sources": (
        Field("slug", str),
        Field("title", str),
        Field("authors", str, required=False),
        Field("venue", str, required=False),
        Field("year", int, required=False),
        Field("doi", str, required=False),
        Field("pmid", (str, int), required=False, to_model=lambda v: {"pmid": str(v)}),
        Field("url", str, required=False),
        Field("type", str, to_model="source_type"),
        Field("studies", int, required=False, to_model="studies_count"),
        Field("participants", int, required=False, to_model="participants_count"),
        Field("status", str),
        Field("note", str, required=False),
        # Review and link-health records: written by exports, so a backup restores them too.
        Field("submitted_by", str, required=False, to_model=_user("submitted_by")),
        Field("submitted_at", DATETIME, required=False),
        Field("reviewed_by", str, required=False, to_model=_user("reviewed_by")),
        Field("reviewed_at", DATETIME, required=False),
        Field("link_checked_at", DATETIME, required=False),
        Field("link_status", int, required=False),
        Field("link_broken", bool, required=False),
    ),
    "goals": (
        Field("slug", str),
        Field("label", str),
        Field("description", str, required=False),
        Field("position", int),
    ),
    "conditions": (
        Field("slug", str),
        Field("question", str),
        Field("help_text", str, required=False),
        Field("is_crisis", bool, required=False),
        Field("active", bool, required=False),
        Field("position", int),
    ),
    "therapies": (
        Field("slug", str),
        Field("name", str),
        Field("kind", str),
        Field("summary", str),
        Field("what_to_expect", str),
        Field(
            "session_minutes",
            list,
            to_model=_pair("session_minutes_min", "session_minutes_max"),
        ),
        Field("formats", list, to_model=_formats),
        Field("pressure", str),
        Field("goals", list, to_model=lambda v: {}),  # many-to-many: set after saving
        Field("published", bool),
        Field("reviewed_on", DATE),
        Field("next_review_on", DATE),
    ),
    "crisis_contacts": (
        Field("region", str),
        Field("name", str),
        Field("phone", (str, int), required=False, to_model=lambda v: {"phone": str(v)}),
        Field("text", str, required=False),
        Field("url", str, required=False),
        Field("when_to_use", str),
        Field("position", int),
    ),
    "findings": (
        Field("slug", str),
        Field("source", str),
        Field("therapy", str, required=False),
        Field("therapy_kind", str, required=False),
        Field("goal", str),
        Field("outcome", str),
        Field("population", str),
        Field("comparator", str, required=False),
        Field("direction", str),
        Field("measure", str, required=False, to_model="effect_measure"),
        Field("value", NUMBER, required=False, to_model=lambda v: {"effect_value": _decimal(v)}),
        Field("ci", list, required=False, to_model=_decimal_pair),
        Field("studies", int, required=False, to_model="studies_count"),
        Field("participants", int, required=False, to_model="participants_count"),
        Field("certainty", str),
        Field("context", str, required=False),
    ),
    "safety_rules": (
        Field("condition", str),
        Field("therapy", str),
        Field("effect", str),
        Field("message", str),
        Field("source", str),
    ),
}

# Fields whose file value is a list of a fixed length and item type.
LIST_SHAPES: dict[tuple[str, str], tuple[int | None, type | tuple[type, ...], set[str] | None]] = {
    ("therapies", "session_minutes"): (2, int, None),
    ("therapies", "formats"): (None, str, {"in-person", "online", "group"}),
    ("therapies", "goals"): (None, str, None),
    ("findings", "ci"): (2, NUMBER, None),
}

MODELS: dict[str, type[models.Model]] = {
    "sources": Source,
    "goals": Goal,
    "conditions": Condition,
    "therapies": Therapy,
    "crisis_contacts": CrisisContact,
    "findings": Finding,
    "safety_rules": SafetyRule,
}

# Foreign keys given by slug in the file: file field -> (section it refers to, model field).
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "findings": {
        "source": ("sources", "source"),
        "therapy": ("therapies", "therapy"),
        "goal": ("goals", "goal"),
    },
    "safety_rules": {
        "condition": ("conditions", "condition"),
        "therapy": ("therapies", "therapy"),
        "source": ("sources", "source"),
    },
}


def _natural_key(section: str, record: dict[str, Any]) -> tuple:
    if section == "crisis_contacts":
        return (record.get("region"), record.get("name"))
    if section == "safety_rules":
        return (record.get("condition"), record.get("therapy"))
    return (record.get("slug"),)


def describe(section: str, index: int, record: Any) -> str:
    if isinstance(record, dict):
        key = " × ".join(str(part) for part in _natural_key(section, record) if part is not None)
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
    return data


def _check_shape(path: Path, data: Any) -> list[str]:
    if not isinstance(data, dict):
        return [f"{path}: must be a mapping with the keys: version, {', '.join(SECTIONS)}."]
    errors: list[str] = []
    expected = {"version", *SECTIONS}
    for key in sorted(set(data) - expected, key=str):
        errors.append(f"{path}: unknown top-level key '{key}'.")
    for key in ["version", *SECTIONS]:
        if key not in data:
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
        key = _natural_key(section, record)
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
