"""Load the versioned seed catalogue (``evidence/data/catalogue.yaml``) into the database.

The file is checked whole before anything is kept: a malformed file is rejected with the file,
the record and the field named, and the database is left as it was. Loading is idempotent: records
are matched on their natural keys, and a record equal to the file is not written again (so no new
history row appears either). A record that staff changed since it was loaded is kept as staff left
it unless ``update`` is asked for, so a restart never undoes their work.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from evidence.models import Finding, SafetyRule, Source
from therapies.models import Condition, CrisisContact, Goal, Therapy

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "catalogue.yaml"

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


def _describe(section: str, index: int, record: Any) -> str:
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
        where = f"{path}: {_describe(section, index, record)}"
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


# --- Writing ---------------------------------------------------------------------------------


def catalogue_load(
    *, path: Path = DEFAULT_PATH, update: bool = False, dry_run: bool = False
) -> LoadReport:
    """Load the catalogue file whole, or raise CatalogueError and leave the database untouched."""
    data = read_catalogue(path)
    version = data["version"].strip()
    counts = {section: SectionCount() for section in SECTIONS}
    errors: list[str] = []
    with transaction.atomic():
        loaded: dict[str, dict[str, models.Model]] = {section: {} for section in SECTIONS}
        for section in SECTIONS:
            for index, record in enumerate(data[section]):
                where = f"{path}: {_describe(section, index, record)}"
                _load_record(
                    section=section,
                    record=record,
                    where=where,
                    loaded=loaded,
                    update=update,
                    version=version,
                    count=counts[section],
                    errors=errors,
                )
        if errors:
            # Leaving the atomic block by an exception rolls back every write made so far.
            raise CatalogueError(errors)
        if dry_run:
            transaction.set_rollback(True)
    return LoadReport(version=version, counts=counts)


def _load_record(
    *,
    section: str,
    record: dict[str, Any],
    where: str,
    loaded: dict[str, dict[str, models.Model]],
    update: bool,
    version: str,
    count: SectionCount,
    errors: list[str],
) -> None:
    model = MODELS[section]
    values: dict[str, Any] = {}
    references = REFERENCES.get(section, {})
    for field in SCHEMA[section]:
        if field.name in references:
            continue
        if record.get(field.name) is not None:
            values.update(field.model_values(record[field.name]))
        else:
            # A field left out of the file means empty, so a later load can clear it.
            values.update(_empty_values(model, field))

    for name, (target, model_field) in REFERENCES.get(section, {}).items():
        slug = record.get(name)
        if slug is None:
            values[model_field] = None
            continue
        target_object = _find(loaded, target, slug)
        if target_object is None:
            errors.append(f"{where}: field '{name}' names unknown {target[:-1]} '{slug}'.")
            return
        values[model_field] = target_object

    instance = _existing(model, section, record, loaded)
    creating = instance is None
    if creating:
        instance = model(**values)
    else:
        differs = _differs(instance, values, section, record)
        if not differs:
            count.unchanged += 1
            _remember(loaded, section, record, instance)
            return
        if not update:
            count.kept += 1
            _remember(loaded, section, record, instance)
            return
        for name, value in values.items():
            setattr(instance, name, value)

    try:
        instance.full_clean()
    except ValidationError as exc:
        errors.extend(_messages(where, exc, section))
        return
    instance._change_reason = f"Loaded from the seed catalogue, version {version}"
    instance.save()
    if section == "therapies":
        goals = [loaded["goals"].get(slug) for slug in record["goals"]]
        missing = [slug for slug, goal in zip(record["goals"], goals, strict=True) if goal is None]
        if missing:
            errors.append(f"{where}: field 'goals' names unknown goal '{missing[0]}'.")
            return
        instance.goals.set(goals)
    if creating:
        count.created += 1
    else:
        count.updated += 1
    _remember(loaded, section, record, instance)


def _find(loaded: dict[str, dict[str, models.Model]], section: str, slug: str):
    found = loaded[section].get(slug)
    if found is None:
        # A reference may point at a record that exists in the database but not in the file.
        found = MODELS[section].objects.filter(slug=slug).first()
    return found


def _existing(model, section: str, record: dict[str, Any], loaded) -> models.Model | None:
    if section == "crisis_contacts":
        return model.objects.filter(region=record["region"], name=record["name"]).first()
    if section == "safety_rules":
        condition = _find(loaded, "conditions", record["condition"])
        therapy = _find(loaded, "therapies", record["therapy"])
        return model.objects.filter(condition=condition, therapy=therapy).first()
    return model.objects.filter(slug=record["slug"]).first()


def _remember(loaded, section: str, record: dict[str, Any], instance: models.Model) -> None:
    if "slug" in record:
        loaded[section][record["slug"]] = instance


def _empty_values(model: type[models.Model], field: Field) -> dict[str, Any]:
    if isinstance(field.to_model, str) or field.to_model is None:
        names = [field.to_model or field.name]
    else:
        names = [
            name
            for name, file_name in _model_to_file_field_static().items()
            if file_name == field.name
        ]
    return {name: model._meta.get_field(name).get_default() for name in names}


def _differs(instance: models.Model, values: dict[str, Any], section: str, record) -> bool:
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            if getattr(instance, field.attname) != getattr(value, "pk", None):
                return True
            continue
        try:
            wanted = field.to_python(value)
        except ValidationError:
            return True
        if getattr(instance, name) != wanted:
            return True
    if section == "therapies":
        current = set(instance.goals.values_list("slug", flat=True))
        if current != set(record["goals"]):
            return True
    return False


def _model_to_file_field_static() -> dict[str, str]:
    """Return the model fields filled by the file fields that expand to several."""
    return {
        "session_minutes_min": "session_minutes",
        "session_minutes_max": "session_minutes",
        "in_person": "formats",
        "online": "formats",
        "group": "formats",
        "effect_value": "value",
        "ci_low": "ci",
        "ci_high": "ci",
        "phone": "phone",
        "pmid": "pmid",
    }


def _model_to_file_field(section: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for field in SCHEMA[section]:
        if isinstance(field.to_model, str):
            mapping[field.to_model] = field.name
        elif field.to_model is None:
            mapping[field.name] = field.name
    mapping.update(_model_to_file_field_static())
    return mapping


def _messages(where: str, exc: ValidationError, section: str) -> Iterable[str]:
    to_file = _model_to_file_field(section)
    for model_field, errors in exc.error_dict.items():
        for error in errors:
            message = " ".join(error.messages)
            if model_field == NON_FIELD_ERRORS:
                name = CONSTRAINT_FIELDS.get(error.code or "")
                if name:
                    yield f"{where}: field '{name}': {message}"
                else:
                    yield f"{where}: {message}"
            else:
                yield f"{where}: field '{to_file.get(model_field, model_field)}': {message}"
