"""Admin for what the jobs record about sources: link checks, read-only."""

from django.contrib import admin

from evidence.models import LinkCheck


class SourceRecordAdmin(admin.ModelAdmin):
    """Records kept about sources by the jobs: read by whoever may read sources, never edited."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("evidence.view_source")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(LinkCheck)
class LinkCheckAdmin(SourceRecordAdmin):
    list_display = ["checked_at", "source", "url", "ok", "status_code", "error", "attempts"]
    list_filter = ["ok", "checked_at"]
    list_select_related = ["source"]
    search_fields = ["url", "error", "source__title"]
    date_hierarchy = "checked_at"
