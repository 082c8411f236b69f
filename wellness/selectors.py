"""Build the catalogue snapshot the engine reads, and keep it while the catalogue is unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import defaultdict

from django.conf import settings
from django.db import connection

from evidence.models import Finding, SafetyRule, Source
from evidence.statements import statement_for
from therapies.models import Condition, CrisisContact, Goal, Therapy
from wellness.recommender import (
    CatalogueSnapshot,
    ConditionFacts,
    CrisisContactFacts,
    FindingFacts,
    GoalFacts,
    RuleFacts,
    SourceRef,
    TherapyFacts,
)

# Every change to the catalogue or the evidence, through the admin, the services or the loader,
# writes a history row; the newest row and the row counts tell us whether the snapshot is stale.
_HISTORY_MODELS = (Therapy, Goal, Condition, CrisisContact, Source, Finding, SafetyRule)

_lock = threading.Lock()
_cached: tuple[tuple, CatalogueSnapshot] | None = None


def _history_tables() -> list[str]:
    # A change of a therapy's goals also writes a row in the therapy's own history table.
    return [model.history.model._meta.db_table for model in _HISTORY_MODELS]


def catalogue_change_marker() -> tuple:
    """Return a value that changes whenever the catalogue or its evidence changes (one query)."""
    quote = connection.ops.quote_name
    parts = []
    for table in _history_tables():
        # Names come from model metadata, never from input.
        parts.append(f"SELECT COUNT(*) AS n, MAX({quote('history_id')}) AS m FROM {quote(table)}")  # noqa: S608
    sql = " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(tuple(row) for row in cursor.fetchall())


def catalogue_snapshot() -> CatalogueSnapshot:
    """Return the current snapshot, rebuilt only when the catalogue has changed."""
    global _cached
    marker = catalogue_change_marker()
    cached = _cached
    if cached is not None and cached[0] == marker:
        return cached[1]
    with _lock:
        snapshot = catalogue_snapshot_build()
        _cached = (marker, snapshot)
    return snapshot


def _source_ref(source: Source) -> SourceRef | None:
    if source.status != Source.Status.PUBLISHED:
        return None
    return SourceRef(slug=source.slug, title=str(source), link=source.link)


def catalogue_snapshot_build() -> CatalogueSnapshot:
    """Build a snapshot of the published catalogue from the database (a fixed six queries)."""
    therapies = {
        t.slug: TherapyFacts(
            slug=t.slug,
            name=t.name,
            kind=t.kind,
            formats=frozenset(
                f
                for f, offered in (
                    ("in-person", t.in_person),
                    ("online", t.online),
                    ("group", t.group),
                )
                if offered
            ),
            pressure=t.pressure,
        )
        for t in Therapy.objects.published()
    }
    goals = {g.slug: GoalFacts(g.slug, g.label, g.position) for g in Goal.objects.all()}
    conditions = {
        c.slug: ConditionFacts(c.slug, c.question, c.is_crisis, c.position)
        for c in Condition.objects.active()
    }

    findings_by_goal: dict[str, list[FindingFacts]] = defaultdict(list)
    findings = (
        Finding.objects.published()
        .select_related("source", "therapy", "goal")
        .order_by("goal__slug", "slug")
    )
    for f in findings:
        if f.therapy_id and f.therapy.slug not in therapies:
            continue
        findings_by_goal[f.goal.slug].append(
            FindingFacts(
                slug=f.slug,
                therapy=f.therapy.slug if f.therapy_id else None,
                kind=f.therapy_kind or None,
                goal=f.goal.slug,
                direction=f.direction,
                certainty=f.certainty,
                statement=statement_for(f),
                source=_source_ref(f.source),
            )
        )

    # Safety rules apply whatever their source's review state: a rule is never dropped silently.
    rules_by_condition: dict[str, list[RuleFacts]] = defaultdict(list)
    rules = SafetyRule.objects.select_related("condition", "therapy", "source").order_by(
        "condition__slug", "therapy__slug"
    )
    for r in rules:
        if r.therapy.slug not in therapies or r.condition.slug not in conditions:
            continue
        rules_by_condition[r.condition.slug].append(
            RuleFacts(
                therapy=r.therapy.slug,
                condition=r.condition.slug,
                effect=r.effect,
                message=r.message,
                source=_source_ref(r.source),
            )
        )

    contacts = tuple(
        CrisisContactFacts(c.name, c.phone, c.text, c.url, c.when_to_use)
        for c in CrisisContact.objects.filter(region=settings.CRISIS_REGION)
    )
    content = (
        therapies,
        goals,
        conditions,
        {k: tuple(v) for k, v in sorted(findings_by_goal.items())},
        {k: tuple(v) for k, v in sorted(rules_by_condition.items())},
        contacts,
    )
    version = hashlib.sha256(repr(_canonical(content)).encode()).hexdigest()[:12]
    return CatalogueSnapshot(
        version=version,
        therapies=therapies,
        goals=goals,
        conditions=conditions,
        findings_by_goal=content[3],
        rules_by_condition=content[4],
        crisis_contacts=contacts,
    )


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
