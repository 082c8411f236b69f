"""Build the catalogue snapshot the engine reads, and keep it while the catalogue is unchanged."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
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
CATALOGUE_MODELS = _HISTORY_MODELS

# Built snapshots are shared between processes through the default cache (Redis when
# configured), keyed by the change marker. Bump the version when the snapshot's shape changes,
# so no process reads a snapshot pickled by older code.
# Bump when the snapshot's shape changes, so no process reads one pickled by older code.
_SHARED_KEY_VERSION = 2
_SHARED_TIMEOUT = 24 * 60 * 60

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_cached: tuple[tuple, CatalogueSnapshot] | None = None


@functools.cache
def _history_tables() -> tuple[str, ...]:
    # A change of a therapy's goals also writes a row in the therapy's own history table.
    # Cached: simple_history builds a new manager class on every `Model.history` access.
    return tuple(model.history.model._meta.db_table for model in _HISTORY_MODELS)


# The marker this process read last, and when (time.monotonic()).
_marker_read: tuple[float, tuple] | None = None


def catalogue_change_marker(*, fresh: bool = False) -> tuple:
    """Return a value that changes whenever the catalogue or its evidence changes (one query).

    A process reuses the marker it read for ``CATALOGUE_MARKER_MAX_AGE`` seconds, so a busy
    process asks the database about once a second, not on every request; a change made
    elsewhere shows here within that time. A change made in this process is seen at once (see
    ``catalogue_change_marker_forget``), and inside a transaction, or with ``fresh``, the
    database is always asked.
    """
    global _marker_read
    max_age = settings.CATALOGUE_MARKER_MAX_AGE
    now = time.monotonic()
    read = _marker_read
    in_transaction = connection.in_atomic_block
    if not (fresh or in_transaction) and read is not None and now - read[0] < max_age:
        return read[1]
    marker = _change_marker_query()
    if not in_transaction:
        # A transaction may see its own changes, which others cannot yet: keep only committed.
        _marker_read = (now, marker)
    return marker


def catalogue_change_marker_forget() -> None:
    """Ask the database again at the next read: this process has just changed the catalogue."""
    global _marker_read
    _marker_read = None


def _change_marker_query() -> tuple:
    quote = connection.ops.quote_name
    parts = []
    for table in _history_tables():
        # Names come from model metadata, never from input.
        parts.append(f"SELECT COUNT(*) AS n, MAX({quote('history_id')}) AS m FROM {quote(table)}")  # noqa: S608  # nosec B608
    sql = " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(tuple(row) for row in cursor.fetchall())


def catalogue_snapshot(*, fresh: bool = False) -> CatalogueSnapshot:
    """Return the current snapshot, rebuilt only when the catalogue has changed.

    Warm, this is at most one query (the change marker; see ``catalogue_change_marker``, and
    ``fresh`` to ask the database now). After a change, the first process to need the new
    version builds it and shares it through the cache; the others read it from there instead
    of building it.
    """
    global _cached
    marker = catalogue_change_marker(fresh=fresh)
    cached = _cached
    if cached is not None and cached[0] == marker:
        return cached[1]
    with _lock:
        cached = _cached
        if cached is not None and cached[0] == marker:
            return cached[1]
        key = _shared_key(marker)
        snapshot = _shared_get(key)
        if snapshot is None:
            snapshot = catalogue_snapshot_build()
            # Share only what is committed: a transaction that rolls back could leave a
            # snapshot under a marker that later means something else.
            if not connection.in_atomic_block:
                _shared_set(key, snapshot)
        _cached = (marker, snapshot)
    return snapshot


def _shared_key(marker: tuple) -> str:
    digest = hashlib.sha256(repr((marker, settings.CRISIS_REGION)).encode()).hexdigest()[:32]
    return f"catalogue-snapshot:v{_SHARED_KEY_VERSION}:{digest}"


def _shared_get(key: str) -> CatalogueSnapshot | None:
    # The cache is a shortcut, never a dependency: if it cannot answer, build the snapshot here.
    try:
        snapshot = cache.get(key)
    except Exception:  # any cache failure, including an unreadable pickle
        logger.warning("Could not read the shared catalogue snapshot", exc_info=True)
        return None
    return snapshot if isinstance(snapshot, CatalogueSnapshot) else None


def _shared_set(key: str, snapshot: CatalogueSnapshot) -> None:
    try:
        cache.set(key, snapshot, _SHARED_TIMEOUT)
    except Exception:
        logger.warning("Could not share the catalogue snapshot", exc_info=True)


class _TherapyName(NamedTuple):
    name: str | None


class _FindingRow(NamedTuple):
    """The fields of a finding that ``statement_for`` reads, without a model instance."""

    therapy_id: int | None
    therapy: _TherapyName
    therapy_kind: str
    outcome: str
    direction: str
    certainty: str
    comparator: str
    population: str
    effect_measure: str
    effect_value: Decimal | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    studies_count: int | None
    participants_count: int | None
    context: str


_STATEMENT_FIELDS = _FindingRow._fields[2:]
_SOURCE_FIELDS = ("source_id", "source__status", "source__slug", "source__title", "source__year")
_LINK_FIELDS = ("source__doi", "source__url", "source__pmid")
# Read in chunks, as rows rather than model instances: at 100,000 findings, instances cost
# seconds and hundreds of megabytes (tests/benchmarks/README.md has the figures).
_CHUNK = 2000


class _Shared(dict):
    """Hand back one string object for each distinct value: rows repeat slugs and choices."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


class _SourceRefs(dict):
    """Make one reference per source, however many findings and rules cite it."""

    def ref(
        self, source_id: int, status: str, slug: str, title: str, year, *link
    ) -> SourceRef | None:
        if source_id not in self:
            if status != Source.Status.PUBLISHED:
                self[source_id] = None
            else:
                # An unsaved Source words the title and chooses the link as the model does.
                source = Source(slug=slug, title=title, year=year)
                source.doi, source.url, source.pmid = link
                self[source_id] = SourceRef(slug=slug, title=str(source), link=source.link)
        return self[source_id]


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector: the build makes ~10 objects per finding, none in a
    cycle, and the collector would otherwise walk the growing heap again and again (~12 %)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def catalogue_snapshot_build() -> CatalogueSnapshot:
    """Build a snapshot of the published catalogue from the database (a fixed six queries)."""
    with _cyclic_gc_paused():
        return _build()


def _build() -> CatalogueSnapshot:
    share = _Shared()
    therapies: dict[str, TherapyFacts] = {}
    by_kind: dict[str, list[str]] = defaultdict(list)
    formats: dict[tuple[bool, bool, bool], frozenset[str]] = {}
    rows = Therapy.objects.published().values_list(
        "slug", "name", "kind", "in_person", "online", "group", "pressure"
    )
    for slug, name, kind, *offered, pressure in rows.iterator(_CHUNK):
        key = tuple(offered)
        if key not in formats:
            formats[key] = frozenset(
                f for f, yes in zip(("in-person", "online", "group"), key, strict=True) if yes
            )
        slug = share[slug]
        therapies[slug] = TherapyFacts(slug, name, share[kind], formats[key], share[pressure])
        by_kind[share[kind]].append(slug)
    goals = {
        slug: GoalFacts(share[slug], label, position)
        for slug, label, position in Goal.objects.values_list("slug", "label", "position")
    }
    conditions = {
        slug: ConditionFacts(share[slug], question, is_crisis, position)
        for slug, question, is_crisis, position in Condition.objects.active().values_list(
            "slug", "question", "is_crisis", "position"
        )
    }
    sources = _SourceRefs()

    findings_by_goal: dict[str, list[FindingFacts]] = defaultdict(list)
    rows = (
        Finding.objects.published()
        .order_by("goal__slug", "slug")
        .values_list(
            "slug",
            "goal__slug",
            "therapy__slug",
            "therapy_id",
            "therapy__name",
            *_STATEMENT_FIELDS,
            *_SOURCE_FIELDS,
            *_LINK_FIELDS,
        )
    )
    statement_end = 5 + len(_STATEMENT_FIELDS)
    for row in rows.iterator(_CHUNK):
        slug, goal, therapy, therapy_id, therapy_name = row[:5]
        if therapy is not None and therapy not in therapies:
            continue
        facts = _FindingRow(therapy_id, _TherapyName(therapy_name), *row[5:statement_end])
        findings_by_goal[share[goal]].append(
            FindingFacts(
                slug=slug,
                therapy=None if therapy is None else share[therapy],
                kind=share[facts.therapy_kind] or None,
                goal=share[goal],
                direction=share[facts.direction],
                certainty=share[facts.certainty],
                statement=statement_for(facts),
                source=sources.ref(*row[statement_end:]),
            )
        )

    # Safety rules apply whatever their source's review state: a rule is never dropped silently.
    rules_by_condition: dict[str, list[RuleFacts]] = defaultdict(list)
    rows = SafetyRule.objects.order_by("condition__slug", "therapy__slug").values_list(
        "condition__slug", "therapy__slug", "effect", "message", *_SOURCE_FIELDS, *_LINK_FIELDS
    )
    for condition, therapy, effect, message, *source in rows.iterator(_CHUNK):
        if therapy not in therapies or condition not in conditions:
            continue
        rules_by_condition[share[condition]].append(
            RuleFacts(
                therapy=share[therapy],
                condition=share[condition],
                effect=share[effect],
                message=share[message],
                source=sources.ref(*source),
            )
        )

    contacts = tuple(
        CrisisContactFacts(*c)
        for c in CrisisContact.objects.filter(region=settings.CRISIS_REGION).values_list(
            "name", "phone", "text", "url", "when_to_use"
        )
    )
    content = (
        therapies,
        goals,
        conditions,
        {k: tuple(v) for k, v in sorted(findings_by_goal.items())},
        {k: tuple(v) for k, v in sorted(rules_by_condition.items())},
        contacts,
    )
    return CatalogueSnapshot(
        version=_version(content),
        therapies=therapies,
        goals=goals,
        conditions=conditions,
        findings_by_goal=content[3],
        rules_by_condition=content[4],
        crisis_contacts=contacts,
        therapies_by_kind={kind: tuple(slugs) for kind, slugs in by_kind.items()},
    )


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
    if isinstance(value, (SourceRef, frozenset)):
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
