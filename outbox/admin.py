"""The job requests in the admin, read-only: the failed ones can be sent again.

A failed job is listed until someone tries it again (``?status__exact=failed`` is the list the
curators' dashboard links to). Staff see jobs with ``view_jobrequest`` and send them again with
``change_jobrequest``; only superusers delete them.
"""

from django.contrib import admin, messages
from django.http import HttpRequest

from outbox import jobs
from outbox.models import JobRequest


@admin.register(JobRequest)
class JobRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "description", "status", "attempts", "finished_at", "message"]
    list_filter = ["status", "task"]
    list_select_related = ["requested_by"]
    search_fields = ["description", "message", "last_error"]
    readonly_fields = [
        "description",
        "task",
        "args",
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: JobRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: JobRequest | None = None) -> bool:
        return request.user.is_superuser

    def has_try_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("outbox.change_jobrequest")

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
