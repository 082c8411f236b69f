"""Write the whole catalogue and its evidence to the catalogue file format, for backups.

Every record is keyed by its natural key (slugs; region and name; condition and therapy), never
by a database id, so a backup loads into any database and the history of each record there stays
its own. Loading an export with ``update`` restores the content exactly: a field left out of the
file means its default, and only fields that differ from their default are written.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any

import yaml
from django.utils import timezone

from evidence.catalogue.schema import MODELS, REFERENCES, SCHEMA, SECTIONS
from evidence.models import Finding, Harm, SafetyRule, Source, WarningSign
from therapies.models import CrisisContact, NextStep, Technique, Therapy

ORDER = {
    "sources": ["slug"],
    "goals": ["slug"],
    "conditions": ["slug"],
    "techniques": ["slug"],
    "therapies": ["slug"],
    "crisis_contacts": ["region", "name"],
    "findings": ["slug"],
    "harms": ["slug"],
    "safety_rules": ["condition__slug", "therapy__slug"],
    "next_steps": ["slug"],
    "warning_signs": ["slug"],
}


def _plain(value: Any) -> Any:
    """Return a value YAML writes and reads back unchanged."""
    if isinstance(value, Decimal):
        # 14.70 → 14.7: the shortest exact form, which Decimal(str(float)) reads back equal.
        normal = value.normalize()
        return int(normal) if normal == normal.to_integral() else float(normal)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _source(obj: Source) -> dict[str, Any]:
    return {
        "slug": obj.slug,
        "title": obj.title,
        "authors": obj.authors,
        "venue": obj.venue,
        "year": obj.year,
        "doi": obj.doi,
        "pmid": obj.pmid,
        "url": obj.url,
        "type": obj.source_type,
        "studies": obj.studies_count,
        "participants": obj.participants_count,
        "status": obj.status,
        "note": obj.note,
        "submitted_by": obj.submitted_by.get_username() if obj.submitted_by else None,
        "submitted_at": obj.submitted_at,
        "reviewed_by": obj.reviewed_by.get_username() if obj.reviewed_by else None,
        "reviewed_at": obj.reviewed_at,
        "link_checked_at": obj.link_checked_at,
        "link_status": obj.link_status,
        "link_broken": obj.link_broken,
    }


def _therapy(obj: Therapy) -> dict[str, Any]:
    return {
        "slug": obj.slug,
        "name": obj.name,
        "kind": obj.kind,
        "summary": obj.summary,
        "what_to_expect": obj.what_to_expect,
        "session_minutes": [obj.session_minutes_min, obj.session_minutes_max],
        "formats": obj.offered_formats(),
        "pressure": obj.pressure,
        "goals": sorted(g.slug for g in obj.goals.all()),
        "techniques": sorted(t.slug for t in obj.techniques.all()),
        "only_for": obj.only_for_condition.slug if obj.only_for_condition else None,
        "published": obj.published,
        "reviewed_on": obj.reviewed_on,
        "next_review_on": obj.next_review_on,
    }


def _finding(obj: Finding) -> dict[str, Any]:
    has_range = obj.ci_low is not None and obj.ci_high is not None
    return {
        "slug": obj.slug,
        "source": obj.source.slug,
        "therapy": obj.therapy.slug if obj.therapy else None,
        "therapy_kind": obj.therapy_kind,
        "technique": obj.technique.slug if obj.technique else None,
        "goal": obj.goal.slug,
        "outcome": obj.outcome,
        "better": obj.better_when,
        "population": obj.population,
        "comparator": obj.comparator,
        "direction": obj.direction,
        "measure": obj.effect_measure,
        "unit": obj.effect_unit,
        "value": obj.effect_value,
        "ci": [obj.ci_low, obj.ci_high] if has_range else None,
        "studies": obj.studies_count,
        "participants": obj.participants_count,
        "certainty": obj.certainty,
        "certainty_rated_by": obj.certainty_rated_by,
        "certainty_reason": obj.certainty_reason,
        "clinician_checked": obj.clinician_checked,
        "context": obj.context,
    }


def _harm(obj: Harm) -> dict[str, Any]:
    return {
        "slug": obj.slug,
        "therapy": obj.therapy.slug if obj.therapy else None,
        "therapy_kind": obj.therapy_kind,
        "technique": obj.technique.slug if obj.technique else None,
        "category": obj.category,
        "level": obj.level,
        "description": obj.description,
        "population": obj.population,
        "affected_percent": obj.affected_percent,
        "affected_count": obj.affected_count,
        "people_count": obj.people_count,
        "certainty": obj.certainty,
        "clinician_checked": obj.clinician_checked,
        "context": obj.context,
        "source": obj.source.slug if obj.source else None,
        "position": obj.position,
    }


def _technique(obj: Technique) -> dict[str, Any]:
    return {
        "slug": obj.slug,
        "name": obj.name,
        "description": obj.description,
        "not_for": sorted(c.slug for c in obj.not_for.all()),
    }


def _next_step(obj: NextStep) -> dict[str, Any]:
    return {
        "slug": obj.slug,
        "title": obj.title,
        "text": obj.text,
        "conditions": sorted(c.slug for c in obj.conditions.all()),
        "goals": sorted(g.slug for g in obj.goals.all()),
        "needs_clinician": obj.needs_clinician,
        "is_waiting": obj.is_waiting,
        "position": obj.position,
    }


def _rule(obj: SafetyRule) -> dict[str, Any]:
    return {
        "condition": obj.condition.slug,
        "therapy": obj.therapy.slug,
        "effect": obj.effect,
        "message": obj.message,
        "source": obj.source.slug,
    }


def _warning_sign(obj: WarningSign) -> dict[str, Any]:
    return {
        "slug": obj.slug,
        "condition": obj.condition.slug,
        "signs": obj.signs,
        "action": obj.action,
        "source": obj.source.slug,
        "position": obj.position,
    }


def _contact(obj: CrisisContact) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in SCHEMA["crisis_contacts"]}


def _plain_fields(section: str):
    return lambda obj: {f.name: getattr(obj, f.name) for f in SCHEMA[section]}


RECORD = {
    "sources": _source,
    "goals": _plain_fields("goals"),
    "conditions": _plain_fields("conditions"),
    "techniques": _technique,
    "therapies": _therapy,
    "crisis_contacts": _contact,
    "findings": _finding,
    "harms": _harm,
    "safety_rules": _rule,
    "next_steps": _next_step,
    "warning_signs": _warning_sign,
}

QUERIES = {
    "sources": lambda qs: qs.select_related("submitted_by", "reviewed_by"),
    "therapies": lambda qs: qs.select_related("only_for_condition").prefetch_related(
        "goals", "techniques"
    ),
    "findings": lambda qs: qs.select_related("source", "therapy", "technique", "goal"),
    "harms": lambda qs: qs.select_related("source", "therapy", "technique"),
    "safety_rules": lambda qs: qs.select_related("condition", "therapy", "source"),
    "next_steps": lambda qs: qs.prefetch_related("conditions", "goals"),
    "warning_signs": lambda qs: qs.select_related("condition", "source"),
    "techniques": lambda qs: qs.prefetch_related("not_for"),
}


def _without_defaults(section: str, record: dict[str, Any]) -> dict[str, Any]:
    """Drop optional fields at their default, so the file says only what is set."""
    required = {f.name for f in SCHEMA[section] if f.required} | set(REFERENCES.get(section, {}))
    defaults = {
        "is_crisis": False,
        "active": True,
        "link_broken": False,
        "clinician_checked": False,
        "needs_clinician": False,
        "is_waiting": False,
        "techniques": [],
        "conditions": [],
        "not_for": [],
    }
    kept = {}
    for name, value in record.items():
        empty = value is None or value == "" or (name in defaults and value == defaults[name])
        if (name in required and value is not None) or not empty:
            kept[name] = value
    return kept


def catalogue_export() -> dict[str, Any]:
    """Return the whole catalogue and evidence as a catalogue file's content."""
    data: dict[str, Any] = {"version": f"export {timezone.now():%Y-%m-%d %H:%M:%S %Z}"}
    for section in SECTIONS:
        queryset = MODELS[section]._default_manager.order_by(*ORDER[section])
        queryset = QUERIES.get(section, lambda qs: qs)(queryset)
        records = []
        for obj in queryset:
            record = _without_defaults(section, RECORD[section](obj))
            records.append({k: _plain_list(v) for k, v in record.items()})
        data[section] = records
    return data


def _plain_list(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _plain(value)


def catalogue_dump(data: dict[str, Any]) -> str:
    """Return catalogue content as YAML text in a stable order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def catalogue_content_hash(data: dict[str, Any] | None = None) -> str:
    """Return a hash of the catalogue's content, the same wherever and whenever it is stored."""
    data = catalogue_export() if data is None else data
    content = {k: v for k, v in data.items() if k != "version"}
    return hashlib.sha256(yaml.safe_dump(content, sort_keys=True).encode()).hexdigest()
