"""How the snapshot build reads the database: rows in chunks rather than model instances, one
string object for each repeated value, one reference for each source, the cyclic garbage
collector paused."""

from __future__ import annotations

import contextlib
import gc

from evidence.models import Source
from wellness.recommender import SourceRef

# The fields of a row that give its source (a finding's, a rule's, a harm's), then its link.
SOURCE_FIELDS = ("source_id", "source__status", "source__slug", "source__title", "source__year")
LINK_FIELDS = ("source__doi", "source__url", "source__pmid")
# Read in chunks, as rows rather than model instances: at 100,000 findings, instances cost
# seconds and hundreds of megabytes (tests/benchmarks/README.md has the figures).
CHUNK = 2000


class Shared(dict):
    """Hand back one string object for each distinct value: rows repeat slugs and choices."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


class SourceRefs(dict):
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
def cyclic_gc_paused():
    """Pause the cyclic garbage collector: the build makes ~10 objects per finding, none in a
    cycle, and the collector would otherwise walk the growing heap again and again (~12 %)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
