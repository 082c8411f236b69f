"""The sections of the catalogue file, their fields, and how each maps to the models."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models

from evidence.models import Finding, Harm, SafetyRule, Source, WarningSign
from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy

# In load order: a section may refer only to the sections before it.
SECTIONS = (
    "sources",
    "goals",
    "conditions",
    "techniques",
    "therapies",
    "crisis_contacts",
    "findings",
    "harms",
    "safety_rules",
    "next_steps",
    "warning_signs",
)

# Sections added after the first files were written: a file (or an older backup) may leave them
# out, which means it has nothing for them.
OPTIONAL_SECTIONS = frozenset({"techniques", "harms", "next_steps", "warning_signs"})

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
    "finding_unit_only_for_a_difference": "unit",
    "finding_ratio_above_zero": "value",
    "finding_direction_valid": "direction",
    "finding_better_when_valid": "better",
    "finding_certainty_rated_by_valid": "certainty_rated_by",
    "finding_certainty_valid": "certainty",
    "harm_about_one_therapy_kind_or_technique": "therapy",
    "harm_category_valid": "category",
    "harm_risk_has_source": "source",
    "harm_number_has_source": "source",
    "harm_percent_in_range": "affected_percent",
    "harm_affected_not_above_studied": "affected_count",
    "harm_certainty_valid": "certainty",
    "harm_level_fits_category": "level",
    "safety_rule_one_per_condition_and_therapy": "therapy",
    "safety_rule_effect_valid": "effect",
    "next_step_waiting_needs_no_clinician": "is_waiting",
}


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


def _set_later(value: Any) -> dict[str, Any]:
    """A many-to-many list: set after the record is saved (see ``MANY_TO_MANY``)."""
    return {}


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
    "techniques": (
        Field("slug", str),
        Field("name", str),
        Field("description", str, required=False),
        Field("not_for", list, required=False, to_model=_set_later),
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
        Field("formats", list, to_model=Therapy.format_fields),
        Field("pressure", str),
        Field("goals", list, to_model=_set_later),
        Field("techniques", list, required=False, to_model=_set_later),
        Field("only_for", str, required=False),
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
        Field("technique", str, required=False),
        Field("goal", str),
        Field("outcome", str),
        Field("better", str, required=False, to_model="better_when"),
        Field("population", str),
        Field("comparator", str, required=False),
        Field("direction", str),
        Field("measure", str, required=False, to_model="effect_measure"),
        Field("unit", str, required=False, to_model="effect_unit"),
        Field("value", NUMBER, required=False, to_model=lambda v: {"effect_value": _decimal(v)}),
        Field("ci", list, required=False, to_model=_decimal_pair),
        Field("studies", int, required=False, to_model="studies_count"),
        Field("participants", int, required=False, to_model="participants_count"),
        Field("certainty", str),
        Field("certainty_rated_by", str, required=False),
        Field("certainty_reason", str, required=False),
        Field("clinician_checked", bool, required=False),
        Field("context", str, required=False),
    ),
    "harms": (
        Field("slug", str),
        Field("therapy", str, required=False),
        Field("therapy_kind", str, required=False),
        Field("technique", str, required=False),
        Field("category", str),
        Field("level", str, required=False),
        Field("description", str),
        Field("population", str, required=False),
        Field(
            "affected_percent",
            NUMBER,
            required=False,
            to_model=lambda v: {"affected_percent": _decimal(v)},
        ),
        Field("affected_count", int, required=False),
        Field("people_count", int, required=False),
        Field("certainty", str, required=False),
        Field("clinician_checked", bool, required=False),
        Field("context", str, required=False),
        Field("source", str, required=False),
        Field("position", int, required=False),
    ),
    "safety_rules": (
        Field("condition", str),
        Field("therapy", str),
        Field("effect", str),
        Field("message", str),
        Field("source", str),
    ),
    "next_steps": (
        Field("slug", str),
        Field("title", str),
        Field("text", str),
        Field("conditions", list, required=False, to_model=_set_later),
        Field("goals", list, required=False, to_model=_set_later),
        Field("needs_clinician", bool, required=False),
        Field("is_waiting", bool, required=False),
        Field("position", int),
    ),
    "warning_signs": (
        Field("slug", str),
        Field("condition", str),
        Field("signs", str),
        Field("action", str),
        Field("source", str),
        Field("position", int, required=False),
    ),
}

# Fields whose file value is a list of a fixed length and item type.
LIST_SHAPES: dict[tuple[str, str], tuple[int | None, type | tuple[type, ...], set[str] | None]] = {
    ("therapies", "session_minutes"): (2, int, None),
    ("therapies", "formats"): (None, str, set(Therapy.FORMAT_FIELDS)),
    ("therapies", "goals"): (None, str, None),
    ("therapies", "techniques"): (None, str, None),
    ("techniques", "not_for"): (None, str, None),
    ("findings", "ci"): (2, NUMBER, None),
    ("next_steps", "conditions"): (None, str, None),
    ("next_steps", "goals"): (None, str, None),
}

MODELS: dict[str, type[models.Model]] = {
    "sources": Source,
    "goals": Goal,
    "conditions": Condition,
    "techniques": Technique,
    "therapies": Therapy,
    "crisis_contacts": CrisisContact,
    "findings": Finding,
    "harms": Harm,
    "safety_rules": SafetyRule,
    "next_steps": NextStep,
    "warning_signs": WarningSign,
}

# Foreign keys given by slug in the file: file field -> (section it refers to, model field).
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "therapies": {"only_for": ("conditions", "only_for_condition")},
    "findings": {
        "source": ("sources", "source"),
        "therapy": ("therapies", "therapy"),
        "technique": ("techniques", "technique"),
        "goal": ("goals", "goal"),
    },
    "harms": {
        "therapy": ("therapies", "therapy"),
        "technique": ("techniques", "technique"),
        "source": ("sources", "source"),
    },
    "safety_rules": {
        "condition": ("conditions", "condition"),
        "therapy": ("therapies", "therapy"),
        "source": ("sources", "source"),
    },
    "warning_signs": {
        "condition": ("conditions", "condition"),
        "source": ("sources", "source"),
    },
}

# Many-to-many lists given by slug: file field -> (section it refers to, model field).
MANY_TO_MANY: dict[str, dict[str, tuple[str, str]]] = {
    "techniques": {"not_for": ("conditions", "not_for")},
    "therapies": {"goals": ("goals", "goals"), "techniques": ("techniques", "techniques")},
    "next_steps": {"conditions": ("conditions", "conditions"), "goals": ("goals", "goals")},
}

# Model fields filled by a file field of another name through a function, by file field.
EXPANDED_FIELDS: dict[str, str] = {
    "session_minutes_min": "session_minutes",
    "session_minutes_max": "session_minutes",
    **dict.fromkeys(Therapy.FORMAT_FIELDS.values(), "formats"),
    "effect_value": "value",
    "ci_low": "ci",
    "ci_high": "ci",
    "phone": "phone",
    "pmid": "pmid",
    "submitted_by": "submitted_by",
    "reviewed_by": "reviewed_by",
    "affected_percent": "affected_percent",
}


def natural_key(section: str, record: dict[str, Any]) -> tuple:
    if section == "crisis_contacts":
        return (record.get("region"), record.get("name"))
    if section == "safety_rules":
        return (record.get("condition"), record.get("therapy"))
    return (record.get("slug"),)
