"""Admin for what the jobs record about sources: link checks and job requests, read-only."""

from django.contrib import admin, messages
from django.http import HttpRequest

from evidence import jobs
from evidence.models import JobRequest, LinkCheck


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


@admin.register(JobRequest)
class JobRequestAdmin(SourceRecordAdmin):
    list_display = ["created_at", "kind", "source", "status", "attempts", "finished_at", "message"]
    list_filter = ["status", "kind"]
    list_select_related = ["source", "requested_by"]
    search_fields = ["message", "last_error", "source__title"]
    readonly_fields = [
        "kind",
        "source",
        "status",
        "requested_by",
        "attempts",
        "created_at",
        "due_at",
        "started_at",
        "finished_at",
        "message",
        "details",
        "last_error",
    ]
    actions = ["try_again"]

    def has_try_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("evidence.change_source")

    @admin.action(description="Try again", permissions=["try_again"])
    def try_again(self, request, queryset):
        sent = 0
        for job in queryset:
            try:
                jobs.job_retry(job=job, by=request.user)
            except jobs.JobFailed as refusal:
                self.message_user(request, f"“{job}”: {refusal}", messages.ERROR)
            else:
                sent += 1
        if sent:
            noun = "job" if sent == 1 else "jobs"
            self.message_user(request, f"Sent {sent} {noun} again.", messages.SUCCESS)
