"""The admin's reference scenarios, and the impact preview on a proposed change's page.

The change's page is ``evidence.admin.changes.ChangeRequestAdmin``; the preview needs the engine,
which lives here, so this module registers that admin again with the preview added
(docs/architecture.md §3).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from evidence.admin.changes import ChangeRequestAdmin
from evidence.models import ChangeRequest
from evidence.services import ReviewError
from therapies.admin import HistoryAdmin
from wellness.impact import impact_preview, impacts_data
from wellness.jobs import impact_preview_request
from wellness.models import ReferenceScenario
from wellness.selectors import catalogue_snapshot


@admin.register(ReferenceScenario)
class ReferenceScenarioAdmin(HistoryAdmin):
    list_display = ["name", "goals", "conditions", "preferences", "position"]
    search_fields = ["name", "note"]
    list_editable = ["position"]


class ChangeRequestWithImpactAdmin(ChangeRequestAdmin):
    def review_context(self, request: HttpRequest, change: ChangeRequest) -> dict[str, Any]:
        context = super().review_context(request, change)
        if change.status == ChangeRequest.Status.WAITING:
            context |= _impact_context(change)
            context["scenario_count"] = ReferenceScenario.objects.count()
        return context


def _impact_context(change: ChangeRequest) -> dict[str, Any]:
    """The preview, worked out now for a small catalogue, else by a job whose progress shows."""
    live = catalogue_snapshot()
    if len(live.therapies) <= settings.IMPACT_PREVIEW_INLINE_THERAPIES:
        try:
            return {"impacts": impacts_data(impact_preview(change=change))}
        except ReviewError as refusal:  # the record changed since: the page says so
            return {"impact_error": str(refusal)}
    preview = impact_preview_request(change=change, version=live.version)
    if preview.finished_at is None:
        return {"impact_progress": preview}
    if preview.error:
        return {"impact_error": preview.error}
    return {"impacts": preview.result or []}


admin.site.unregister(ChangeRequest)
admin.site.register(ChangeRequest, ChangeRequestWithImpactAdmin)
