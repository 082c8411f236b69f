"""Admin for sources, findings and safety rules; a source's status moves only by review actions."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from evidence import services
from evidence.models import Finding, SafetyRule, Source
from therapies.admin import HistoryAdmin


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


class FindingInline(SourceRowInline, admin.StackedInline):
    model = Finding
    autocomplete_fields = ["therapy", "goal"]
    fields = [
        "slug",
        ("therapy", "therapy_kind"),
        "goal",
        "outcome",
        ("population", "comparator"),
        "direction",
        ("effect_measure", "effect_value", "ci_low", "ci_high"),
        ("studies_count", "participants_count"),
        "certainty",
        "context",
    ]


class SafetyRuleInline(SourceRowInline, admin.TabularInline):
    model = SafetyRule
    autocomplete_fields = ["condition", "therapy"]
    fields = ["therapy", "condition", "effect", "message"]


Step = Callable[..., Source]


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "year", "source_type", "status", "link_broken"]
    list_filter = ["status", "source_type", "link_broken", "year"]
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
        ("Link health", {"fields": ["link_checked_at", "link_status", "link_broken"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [FindingInline, SafetyRuleInline]
    actions = ["submit_for_review", "publish", "retract", "return_to_draft"]

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("evidence.publish_source")

    def has_retract_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("evidence.retract_source")

    def _apply(self, request: HttpRequest, queryset: QuerySet, step: Step, done: str) -> None:
        # One transaction per source, so one refusal does not undo the others.
        succeeded = 0
        for source in queryset:
            try:
                step(source=source, by=request.user)
            except services.ReviewError as refusal:
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


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    list_display = ["__str__", "goal", "direction", "certainty", "source"]
    list_filter = ["certainty", "direction", "goal", "therapy_kind", "therapy", "source__status"]
    list_select_related = ["therapy", "goal", "source"]
    search_fields = [
        "slug",
        "outcome",
        "population",
        "therapy__name",
        "goal__label",
        "source__title",
    ]
    autocomplete_fields = ["source", "therapy", "goal"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(SafetyRule)
class SafetyRuleAdmin(HistoryAdmin):
    list_display = ["therapy", "condition", "effect", "source"]
    list_filter = ["effect", "condition", "therapy"]
    list_select_related = ["therapy", "condition", "source"]
    search_fields = ["message", "therapy__name", "condition__question", "condition__slug"]
    autocomplete_fields = ["condition", "therapy", "source"]
    readonly_fields = ["created_at", "updated_at"]
