"""The catalogue snapshot the engine reads: kept while the catalogue is unchanged, shared between
processes through the cache. Building it is ``wellness.snapshot_build``; its version is a hash of
its content (``wellness.snapshot_version``)."""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from therapies.models import Therapy
from wellness.recommender import CatalogueSnapshot, HarmFacts, TherapyFacts
from wellness.snapshot_build import CATALOGUE_MODELS, catalogue_snapshot_build, history_tables
from wellness.snapshot_version import _canonical

# Every change to the catalogue or the evidence, through the admin, the services or the loader,
# writes a history row in one of ``history_tables()``: the newest row and the row counts tell us
# whether the snapshot is stale.

# Built snapshots are shared between processes through the default cache (Redis when
# configured), keyed by the change marker. Bump the version when the snapshot's shape changes,
# so no process reads a snapshot pickled by older code.
_SHARED_KEY_VERSION = 8
_SHARED_TIMEOUT = 24 * 60 * 60

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_cached: tuple[tuple, CatalogueSnapshot] | None = None


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
    for table in history_tables():
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


def harms_shown_for(therapy: Therapy, catalogue: CatalogueSnapshot) -> tuple[HarmFacts, ...]:
    """Return a therapy's harms and burdens as its result card shows them.

    From the snapshot (read it once a request: ``catalogue_snapshot()``), so a therapy page, the
    API and a result card always agree. Reads the therapy's techniques: prefetch them
    (``techniques``) when showing many therapies.
    """
    facts = TherapyFacts(
        slug=therapy.slug,
        name=therapy.name,
        kind=therapy.kind,
        formats=frozenset(),
        pressure=therapy.pressure,
        techniques=frozenset(t.slug for t in therapy.techniques.all()),
    )
    return catalogue.harms_for(facts)


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


__all__ = [
    "CATALOGUE_MODELS",
    "_canonical",
    "catalogue_change_marker",
    "catalogue_change_marker_forget",
    "catalogue_snapshot",
    "catalogue_snapshot_build",
]
