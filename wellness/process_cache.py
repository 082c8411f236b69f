"""A small copy, in this process, of rendered answers kept in the shared cache.

The browse pages and the API reads keep rendered answers in the shared cache (Redis in
production) under keys that hold the catalogue's change marker. Reading one back is a network
round trip, about as costly as the rest of a warm request; this keeps the most recently used
ones here too, within a byte budget, so a busy process answers its common pages from memory.
A key is never reused for other content (the marker is in it); a copy lives at most
``LOCAL_TIMEOUT`` seconds, so what the marker does not see shows here at most that much later
than in the shared cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings

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
