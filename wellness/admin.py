"""The admin's list of API tokens (docs/architecture.md §5): for superusers, to see and revoke;
and each staff member's backup codes (how many are left, never the codes).

Tokens are issued only by logging in (``POST /api/v1/auth/token/``), so nobody adds or edits one
here, and no page shows a token's digest or key: a row is its owner, when it was issued, when it
stops working and when it was last used.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice

from wellness.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "expires", "last_used", "with_code"]
    list_display_links = None  # no page per token: there is nothing to change
    list_filter = ["created"]
    search_fields = ["user__username"]
    list_select_related = ["user", "verified_device"]
    fields = ["user", "created", "expiry", "last_used", "verified_device"]
    actions = ["revoke"]

    # Superusers only: whoever may revoke anyone's token may also see everyone's.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        # "Revoke" says what deleting a token does; Django's "Delete selected" would say it again.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Stops working")
    def expires(self, token: ApiToken):
        return token.expires_at()

    @admin.display(description="With a code", boolean=True)
    def with_code(self, token: ApiToken) -> bool:
        return token.verified_device_id is not None

    @admin.action(description="Revoke the selected API tokens", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        self.log_deletions(request, queryset)  # in the admin's history, as a deletion would be
        revoked, _ = queryset.delete()
        message = ngettext("Revoked %d API token.", "Revoked %d API tokens.", revoked)
        self.message_user(request, message % revoked, messages.SUCCESS)


@admin.register(StaticDevice)
class BackupCodesAdmin(admin.ModelAdmin):
    """Each staff member's backup codes, in place of django-otp's page for them.

    Only hashes are stored (wellness/security/two_step.py), so there is nothing to read, and a
    code typed in here would be stored as typed and never work: codes are made only by their
    owner (the "Backup codes" page) or ``add_backup_codes``. Deleting the row ends them all.
    """

    list_display = ["user", "created_at", "last_used_at", "codes_left"]
    search_fields = ["user__username"]
    fields = ["user", "created_at", "last_used_at", "codes_left"]
    readonly_fields = ["user", "created_at", "last_used_at", "codes_left"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Unused codes")
    def codes_left(self, device: StaticDevice) -> int:
        return device.token_set.count()


from wellness import admin_changes  # noqa: E402, F401 - the scenarios and the impact preview
