"""Rendered answers kept for reuse: in the shared cache, and a small copy in this process.

The browse pages and the API reads keep rendered answers, ``(content, details)`` pairs, in the
shared cache (Redis in production) under keys that hold the catalogue's change marker, through
``rendered_get`` and ``rendered_keep``. Reading one back is a network
round trip, about as costly as the rest of a warm request; this keeps the most recently used
ones here too, within a byte budget, so a busy process answers its common pages from memory.
A key is never reused for other content (the marker is in it); a copy lives at most
``LOCAL_TIMEOUT`` seconds, so what the marker does not see shows here at most that much later
than in the shared cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

LOCAL_TIMEOUT = 60


class ProcessCache:
    """A least-recently-used map of key to (value, size, expiry), bounded by total size."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[Any, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            value, _, expires = entry
            if time.monotonic() >= expires:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: Any, *, size: int, timeout: float = LOCAL_TIMEOUT) -> None:
        budget = settings.PROCESS_CACHE_MAX_BYTES
        if size > budget // 4:
            return  # one large answer must not push out every other
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (value, size, time.monotonic() + timeout)
            self._bytes += size
            while self._bytes > budget:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        _, size, _ = self._entries.pop(key)
        self._bytes -= size


# The rendered browse pages and API reads of this process.
rendered = ProcessCache()


def rendered_get(key: str) -> tuple[bytes, Any] | None:
    """Return the ``(content, details)`` kept under ``key``: this process's copy, else the
    shared cache's (copied here), else None. The cache is a shortcut, never a dependency: if it
    cannot answer, the caller renders the answer."""
    kept = rendered.get(key)
    if kept is not None:
        return kept
    try:
        kept = cache.get(key)
    except Exception:  # any cache failure, including an unreadable pickle
        logger.warning("Could not read a kept answer", exc_info=True)
        return None
    if not (isinstance(kept, tuple) and len(kept) == 2):
        return None
    rendered.put(key, kept, size=len(kept[0]))
    return kept


def rendered_keep(key: str, kept: tuple[bytes, Any], *, timeout: int) -> None:
    """Keep ``(content, details)`` under ``key`` here, and in the shared cache for
    ``timeout`` seconds."""
    rendered.put(key, kept, size=len(kept[0]))
    try:
        cache.set(key, kept, timeout)
    except Exception:
        logger.warning("Could not keep an answer", exc_info=True)
