"""The admin's reference scenarios, and the impact preview on a proposed change's page.

The change's page is ``evidence.admin.changes.ChangeRequestAdmin``; the preview needs the engine,
which lives here, so this module registers that admin again with the preview added
(docs/architecture.md §3).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from evidence.admin.changes import ChangeRequestAdmin
from evidence.models import ChangeRequest
from evidence.services import ReviewError
from therapies.admin import HistoryAdmin
from wellness.impact import impact_preview
from wellness.models import ReferenceScenario


@admin.register(ReferenceScenario)
class ReferenceScenarioAdmin(HistoryAdmin):
    list_display = ["name", "goals", "conditions", "preferences", "position"]
    search_fields = ["name", "note"]
    list_editable = ["position"]


class ChangeRequestWithImpactAdmin(ChangeRequestAdmin):
    def review_context(self, request: HttpRequest, change: ChangeRequest) -> dict[str, Any]:
        context = super().review_context(request, change)
        if change.status == ChangeRequest.Status.WAITING:
            try:
                context["impacts"] = impact_preview(change=change)
            except ReviewError as refusal:  # the record changed since: the page says so
                context["impact_error"] = str(refusal)
            context["scenario_count"] = ReferenceScenario.objects.count()
        return context


admin.site.unregister(ChangeRequest)
admin.site.register(ChangeRequest, ChangeRequestWithImpactAdmin)
