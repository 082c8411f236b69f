"""Admin for reviewed changes: saving a safety rule proposes a change; reviewers approve it here.

``ReviewedChangesAdmin`` turns a save or a delete on a reviewed model's page into a proposal
(``evidence.changes``) instead of a write, asking why; ``ChangeRequestAdmin`` lists the proposals
and shows each with what it would change, for its reviewer to approve or reject.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from evidence.changes import (
    REVIEW_PERMISSION,
    REVIEWED,
    change_approve,
    change_propose,
    change_reject,
    change_revert,
    reviewed_for,
)
from evidence.models import ChangeRequest
from evidence.services import ReviewError
from therapies.admin import ConditionAdmin, HistoryAdmin
from therapies.models import Condition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Action = ChangeRequest.Action
WHY_HELP = "Say why, for the reviewer. The change goes live only when someone else approves it."


def _staff(request: HttpRequest) -> User:
    """The signed-in staff member: every admin view is behind the admin's login."""
    return cast("User", request.user)


def _proposal_url(change: ChangeRequest) -> str:
    return reverse("admin:evidence_changerequest_change", args=[change.pk])


class ReviewedForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Why is this change needed?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=WHY_HELP,
    )


class ReviewedChangesAdmin(HistoryAdmin):
    """For a model whose changes are reviewed: the form proposes; nothing is saved directly."""

    form = ReviewedForm
    delete_confirmation_template = "admin/evidence/reviewed_delete_confirmation.html"

    # simple_history's "revert" would save an old version straight away: history is to read,
    # and an approved change is undone from its own page, as a new change for review.
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "change_reason"]
        return [*fields, "change_reason"]

    def _subject(self) -> str:
        subject = reviewed_for(self.model)
        if subject is None:
            raise TypeError(f"{self.model} is not a reviewed model")
        return subject

    def save_model(self, request, obj, form, change):
        kind = REVIEWED[self._subject()]
        try:
            request._change_request = change_propose(
                subject=self._subject(),
                action=Action.UPDATE if change else Action.CREATE,
                by=_staff(request),
                reason=form.cleaned_data["change_reason"],
                target=type(obj)._base_manager.get(pk=obj.pk) if change else None,
                values=kind.values_of(obj),
            )
        except ReviewError as error:
            request._change_request = None
            messages.warning(request, str(error))

    def save_related(self, request, form, formsets, change):
        pass  # a reviewed record has nothing beside it to save: the proposal holds the change

    def log_addition(self, request, obj, message):
        pass  # the proposal is logged in its own history, not as an addition of an unsaved row

    def log_change(self, request, obj, message):
        pass

    def _proposed(self, request: HttpRequest, fallback: str) -> HttpResponse:
        change = getattr(request, "_change_request", None)
        if change is None:
            return HttpResponseRedirect(fallback)
        messages.success(
            request,
            "Your change is saved as a draft. It goes live when a reviewer approves it.",
        )
        return HttpResponseRedirect(_proposal_url(change))

    def response_add(self, request, obj, post_url_continue=None):
        return self._proposed(request, reverse(f"admin:{self._info()}_changelist"))

    def response_change(self, request, obj):
        return self._proposed(request, reverse(f"admin:{self._info()}_change", args=[obj.pk]))

    def _info(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}"

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            # Never Django's delete: a removal is proposed, with its reason, or not at all.
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_delete_permission(request, obj):
                raise PermissionDenied
            try:
                request._change_request = change_propose(
                    subject=self._subject(),
                    action=Action.DELETE,
                    by=_staff(request),
                    reason=request.POST.get("change_reason", ""),
                    target=obj,
                )
            except ReviewError as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(request.path)
            return self._proposed(request, request.path)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # each removal is proposed on its own, with a reason
        return actions


class ReviewForm(forms.Form):
    public_reason = forms.CharField(
        label="One line for the public: what changed and why",
        max_length=200,
        required=False,
        help_text="Shown on 'What we changed and why'. Plain words, for anyone.",
    )
    note = forms.CharField(
        label="If you do not approve: why, for the author",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["label", "action", "subject", "status", "author", "created_at", "reviewer"]
    list_filter = ["status", "subject", "action"]
    search_fields = ["label", "reason", "public_reason"]
    list_select_related = ["author", "reviewer"]
    change_form_template = "admin/evidence/changerequest/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made from the record's own page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reviewed through Approve and Reject, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of what was proposed and decided is kept

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def get_fieldsets(self, request, obj=None):
        # The page says it all in words above; the stored record is there to check, folded.
        names = [field.name for field in self.model._meta.fields if field.name != "id"]
        return [("The stored record", {"fields": names, "classes": ["collapse"]})]

    def get_urls(self):
        urls = super().get_urls()
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="evidence_changerequest_review"),
            path("<int:pk>/revert/", view(self.revert_view), name="evidence_changerequest_revert"),
            *urls,
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, object_id)
        extra = self.review_context(request, change) if change is not None else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def review_context(self, request: HttpRequest, change: ChangeRequest) -> dict[str, Any]:
        """What the change's page shows beside its fields (the impact preview adds to it)."""
        return {
            "rows": diff_rows(change),
            "may_review": change.status == ChangeRequest.Status.WAITING
            and request.user.has_perm(REVIEW_PERMISSION),
            "own": change.author_id == request.user.pk and not request.user.is_superuser,
            "may_revert": change.status == ChangeRequest.Status.APPROVED,
            "review_form": ReviewForm(),
        }

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change = get_object_or_404(ChangeRequest, pk=pk)
        form = ReviewForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            if "approve" in request.POST:
                change_approve(
                    change=change, by=_staff(request), public_reason=data.get("public_reason", "")
                )
                messages.success(request, "Approved. The change is live.")
            else:
                change_reject(change=change, by=_staff(request), note=data.get("note", ""))
                messages.success(request, "Not approved. The author can see your note.")
        except (ReviewError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return HttpResponseRedirect(_proposal_url(change))

    def revert_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change = get_object_or_404(ChangeRequest, pk=pk)
        try:
            undo = change_revert(
                change=change, by=_staff(request), reason=request.POST.get("reason", "")
            )
        except (ReviewError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return HttpResponseRedirect(_proposal_url(change))
        messages.success(
            request, "Undoing it is proposed. It goes live when a reviewer approves it."
        )
        return HttpResponseRedirect(_proposal_url(undo))


def diff_rows(change: ChangeRequest) -> list[tuple[str, str, str]]:
    """Each reviewed field as (label, before, after), names in words, not ids."""
    kind = REVIEWED[change.subject]
    rows = []
    for attname in kind.fields:
        field = cast("models.Field", kind.model._meta.get_field(attname.removesuffix("_id")))
        before = change.before.get(attname, "")
        after = change.values.get(attname, before) if change.action != Action.DELETE else ""
        rows.append(
            (str(field.verbose_name).capitalize(), _shown(field, before), _shown(field, after))
        )
    return rows


def _shown(field: models.Field, value: Any) -> str:
    if value in ("", None):
        return ""
    if field.is_relation and field.related_model is not None:
        found = field.related_model._base_manager.filter(pk=value).first()
        return str(found) if found is not None else f"(removed record {value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


# Screening questions live in the catalogue app, which knows nothing of reviews: their admin is
# registered again here, with saving turned into proposals.
admin.site.unregister(Condition)


@admin.register(Condition)
class ReviewedConditionAdmin(ReviewedChangesAdmin, ConditionAdmin):
    """Adding, changing or removing a screening question is proposed for review."""
