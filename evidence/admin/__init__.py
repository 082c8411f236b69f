"""Admin for sources, findings, harms and safety rules; a source's status moves only by review.

Curators also get a dashboard of what needs attention; the link checks are in
``evidence.admin.jobs``, the background jobs in ``outbox.admin``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from evidence import dashboard, services
from evidence.admin import jobs  # noqa: F401 - registers the link checks' admin
from evidence.admin.changes import ReviewedChangesAdmin
from evidence.models import Finding, Harm, SafetyRule, Source, WarningSign
from therapies.admin import HistoryAdmin

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups  # the stubs' type of `fields`


class SourceRowInline(admin.options.InlineModelAdmin):
    """Rows under a source may be edited only by whoever may save the source page itself."""

    extra = 0
    show_change_link = True

    def _source_editable(self, request: HttpRequest, obj: Source | None) -> bool:
        source_admin = self.admin_site.get_model_admin(self.parent_model)
        if obj is None:
            return source_admin.has_add_permission(request)
        return source_admin.has_change_permission(request, obj)

    # Django checks only the inline model's own permissions; an editor may change safety rules
    # but not sources, and would otherwise get editable rows on a page that refuses to save.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._source_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._source_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._source_editable(request, obj)


FINDING_FIELDS: _FieldGroups = [
    "slug",
    ("therapy", "therapy_kind", "technique"),
    "goal",
    ("outcome", "better_when"),
    ("population", "comparator"),
    "direction",
    ("effect_measure", "effect_unit", "effect_value", "ci_low", "ci_high"),
    ("studies_count", "participants_count"),
    ("certainty", "certainty_rated_by", "clinician_checked"),
    "certainty_reason",
    "context",
]


class FindingInline(SourceRowInline, admin.StackedInline):
    model = Finding
    autocomplete_fields = ["therapy", "technique", "goal"]
    fields = FINDING_FIELDS


class HarmInline(SourceRowInline, admin.StackedInline):
    model = Harm
    autocomplete_fields = ["therapy", "technique"]
    fields = [
        "slug",
        ("therapy", "therapy_kind", "technique"),
        ("category", "position"),
        "description",
        "population",
        ("affected_percent", "affected_count", "people_count"),
        ("certainty", "clinician_checked"),
        "context",
    ]


class SafetyRuleInline(admin.TabularInline):
    """The source's rules, to read: a rule changes only through review, from its own page."""

    model = SafetyRule
    fields = readonly_fields = ("therapy", "condition", "effect", "message")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


Step = Callable[..., Source]


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "year", "source_type", "status", "reviewed_at", "link_broken"]
    list_filter = ["status", dashboard.ReviewDueFilter, "source_type", "link_broken", "year"]
    search_fields = ["title", "authors", "doi", "pmid", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "link_checked_at",
        "link_status",
        "link_broken",
        "recent_link_checks",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "authors", "venue", "year", "source_type"]}),
        ("Where to find it", {"fields": ["doi", "pmid", "url"]}),
        ("Size", {"fields": ["studies_count", "participants_count", "note"]}),
        (
            "Review",
            {
                "description": "The status changes only through the actions on the list of "
                "sources: submit for review, publish, retract, return to draft.",
                "fields": [
                    "status",
                    ("submitted_by", "submitted_at"),
                    ("reviewed_by", "reviewed_at"),
                ],
            },
        ),
        (
            "Link health",
            {
                "description": "Checked daily. A link is flagged broken after two failed checks "
                "in a row, and unflagged when it works again.",
                "fields": [
                    ("link_checked_at", "link_status", "link_broken"),
                    "recent_link_checks",
                ],
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [FindingInline, HarmInline, SafetyRuleInline]
    actions = [
        "submit_for_review",
        "publish",
        "retract",
        "return_to_draft",
        "check_links",
        "import_citation",
    ]

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("evidence.publish_source")

    def has_retract_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("evidence.retract_source")

    def _apply(self, request: HttpRequest, queryset: QuerySet, step: Step, done: str) -> int:
        # One transaction per source, so one refusal does not undo the others.
        succeeded = 0
        for source in queryset:
            try:
                step(source=source, by=request.user)
            except services.CurationError as refusal:
                self.message_user(request, f"“{source}”: {refusal}", messages.ERROR)
            except ValidationError as invalid:
                # Records loaded from outside the admin may break a rule the form would enforce.
                problems = " ".join(invalid.messages)
                self.message_user(request, f"“{source}”: fix it first. {problems}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            noun = "source" if succeeded == 1 else "sources"
            self.message_user(request, f"{done} {succeeded} {noun}.", messages.SUCCESS)
        return succeeded

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(request, queryset, services.source_submit_for_review, "Submitted for review:")

    @admin.action(description="Publish", permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(request, queryset, services.source_publish, "Published")

    @admin.action(description="Retract", permissions=["retract"])
    def retract(self, request, queryset):
        self._apply(request, queryset, services.source_retract, "Retracted")

    @admin.action(description="Return to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._apply(request, queryset, services.source_return_to_draft, "Returned to draft:")

    @admin.action(description="Check links now", permissions=["change"])
    def check_links(self, request, queryset):
        self._apply(
            request, queryset, services.source_link_check_request, "Asked for a link check of"
        )

    @admin.action(description="Import citation details from the DOI", permissions=["change"])
    def import_citation(self, request, queryset):
        asked = self._apply(
            request,
            queryset,
            services.source_citation_import_request,
            "Asked Crossref for the citation details of",
        )
        if asked:
            self.message_user(
                request,
                "Empty fields are filled in; fields you filled in are kept. See each job's "
                "message for what Crossref says.",
                messages.INFO,
            )

    @admin.display(description="Recent checks")
    def recent_link_checks(self, obj: Source) -> str:
        if obj.pk is None:
            return "Not checked yet."
        checks = obj.link_checks.all()[:5]
        if not checks:
            return "Not checked yet."
        rows = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (
                    f"{check.checked_at:%Y-%m-%d %H:%M}",
                    "works" if check.ok else check.error or check.status_code,
                )
                for check in checks
            ),
        )
        everything = reverse("admin:evidence_linkcheck_changelist") + f"?source__id__exact={obj.pk}"
        return format_html('<ul>{}</ul><a href="{}">All checks</a>', rows, everything)

    def get_urls(self):
        view = self.admin_site.admin_view(self.dashboard_view)
        return [
            path("dashboard/", view, name="evidence_dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        return curator_dashboard(self, request)


def curator_dashboard(model_admin: SourceAdmin, request: HttpRequest) -> HttpResponse:
    """Show what needs a curator's attention; POST asks for every link to be checked now."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    can_check = model_admin.has_change_permission(request)
    if request.method == "POST":
        if not can_check:
            raise PermissionDenied
        count = services.source_link_checks_request_all()
        noun = "source" if count == 1 else "sources"
        model_admin.message_user(
            request, f"Asked for a link check of {count} published {noun}.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:evidence_dashboard"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Curator dashboard",
        "panels": dashboard.dashboard_panels(),
        "can_check_links": can_check,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/evidence/dashboard.html", context)


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    list_display = ["__str__", "goal", "direction", "certainty", "clinical_review", "source"]
    list_filter = [
        dashboard.ClinicalReviewFilter,
        "certainty",
        "direction",
        dashboard.SourceLinkFilter,
        "goal",
        "therapy_kind",
        "technique",
        "therapy",
        "source__status",
    ]
    list_select_related = ["therapy", "technique", "goal", "source"]
    search_fields = [
        "slug",
        "outcome",
        "population",
        "therapy__name",
        "technique__name",
        "goal__label",
        "source__title",
    ]
    autocomplete_fields = ["source", "therapy", "technique", "goal"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["source", *FINDING_FIELDS, "created_at", "updated_at"]
    actions = ["mark_clinician_checked"]

    @admin.display(description="Clinical review", ordering="clinician_checked")
    def clinical_review(self, obj: Finding) -> str:
        if obj.certainty_rated_by == Finding.RatedBy.SOURCE:
            return "Rated by the source"
        return "Checked" if obj.clinician_checked else "Waiting for a clinician"

    @admin.action(description="Mark the rating as checked by a clinician", permissions=["change"])
    def mark_clinician_checked(self, request: HttpRequest, queryset: QuerySet) -> None:
        waiting = queryset.filter(certainty_rated_by=Finding.RatedBy.TEAM, clinician_checked=False)
        _mark_checked(self, request, waiting, "finding", "findings")


@admin.register(Harm)
class HarmAdmin(HistoryAdmin):
    list_display = ["__str__", "category", "level", "certainty", "clinical_review", "source"]
    list_filter = [
        dashboard.HarmClinicalReviewFilter,
        "category",
        "therapy_kind",
        "technique",
        "therapy",
        "certainty",
    ]
    list_select_related = ["therapy", "technique", "source"]
    search_fields = ["slug", "description", "therapy__name", "technique__name", "source__title"]
    autocomplete_fields = ["source", "therapy", "technique"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["mark_clinician_checked"]

    @admin.display(description="Clinical review", ordering="clinician_checked")
    def clinical_review(self, obj: Harm) -> str:
        if not obj.certainty:
            return "No rating"
        return "Checked" if obj.clinician_checked else "Waiting for a clinician"

    @admin.action(description="Mark the rating as checked by a clinician", permissions=["change"])
    def mark_clinician_checked(self, request: HttpRequest, queryset: QuerySet) -> None:
        waiting = queryset.exclude(certainty="").filter(clinician_checked=False)
        _mark_checked(self, request, waiting, "harm", "harms")


def _mark_checked(model_admin, request, waiting: QuerySet, one: str, many: str) -> None:
    """Record that a clinician checked each rating, one history row each with the reason."""
    checked = 0
    for record in waiting:
        record.clinician_checked = True
        record._change_reason = "A clinician checked the certainty rating"
        record.save(update_fields=["clinician_checked", "updated_at"])
        checked += 1
    model_admin.message_user(
        request, f"Marked {checked} {one if checked == 1 else many} as checked by a clinician."
    )


@admin.register(SafetyRule)
class SafetyRuleAdmin(ReviewedChangesAdmin):
    """Saving proposes a change for review (``evidence.admin.changes``); nothing goes live here."""

    list_display = ["therapy", "condition", "effect", "source"]
    list_filter = ["effect", "condition", "therapy"]
    list_select_related = ["therapy", "condition", "source"]
    search_fields = ["message", "therapy__name", "condition__question", "condition__slug"]
    autocomplete_fields = ["condition", "therapy", "source"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(WarningSign)
class WarningSignAdmin(HistoryAdmin):
    list_display = ["condition", "action", "source", "position"]
    list_filter = ["condition"]
    list_select_related = ["condition", "source"]
    search_fields = ["signs", "action", "condition__question", "condition__slug"]
    prepopulated_fields = {"slug": ["action"]}
    autocomplete_fields = ["condition", "source"]
    readonly_fields = ["created_at", "updated_at"]
