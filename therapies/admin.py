"""Admin for the catalogue's vocabulary; every model keeps a history that can be reverted."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy
from therapies.readability import MAX_GRADE, too_hard


def warn_if_hard_to_read(request, obj) -> None:
    """Warn the editor, without blocking the save, about public text that is hard to read."""
    fields = getattr(obj, "PLAIN_LANGUAGE_FIELDS", ())
    hard = too_hard({name: str(getattr(obj, name) or "") for name in fields})
    for name, grade in hard.items():
        label = obj._meta.get_field(name).verbose_name
        messages.warning(
            request,
            f"“{obj}”: the {label} may be hard to read (reading grade {grade}; aim for "
            f"{MAX_GRADE:g} or lower). Try shorter sentences and everyday words.",
        )


class HistoryAdmin(SimpleHistoryAdmin):
    """Admin with a reverting history view that respects view-only access and read-only fields."""

    # Opt in now to Django 6's default, so an address typed without a scheme becomes https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POSTed revert for anyone who may merely view the object.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            # A revert loads an old version whole. Read-only fields are not the form's to change
            # (e.g. a source's review status moves only through the workflow), so keep them.
            names = {f.name for f in obj._meta.concrete_fields} & set(
                self.get_readonly_fields(request, obj)
            )
            attnames = [obj._meta.get_field(name).attname for name in names]
            if attnames:
                current = type(obj)._base_manager.filter(pk=obj.pk).values(*attnames).first()
                for attname, value in (current or {}).items():
                    setattr(obj, attname, value)
        super().save_model(request, obj, form, change)
        warn_if_hard_to_read(request, obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
            warn_if_hard_to_read(request, obj)


def counted(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


@admin.register(Therapy)
class TherapyAdmin(HistoryAdmin):
    list_display = ["name", "kind", "pressure", "published", "reviewed_on", "next_review_on"]
    list_filter = ["kind", "pressure", "published", "goals", "only_for_condition"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["goals", "techniques"]
    list_select_related = ["only_for_condition"]
    readonly_fields = ["evidence_links", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "summary", "what_to_expect", "goals"]}),
        ("Who it is for", {"fields": ["only_for_condition", "techniques"]}),
        (
            "Sessions",
            {
                "fields": [
                    ("session_minutes_min", "session_minutes_max"),
                    tuple(Therapy.FORMAT_FIELDS.values()),
                    "pressure",
                ]
            },
        ),
        ("Publishing and review", {"fields": ["published", "reviewed_on", "next_review_on"]}),
        ("Safety rules and evidence", {"fields": ["evidence_links"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Linked records")
    def evidence_links(self, obj: Therapy) -> str:
        if obj.pk is None:
            return "Save the therapy first, then add its safety rules and findings."
        # By URL and reverse relation only: the catalogue app imports nothing from evidence.
        query = f"?therapy__id__exact={obj.pk}"
        links = [
            (
                reverse("admin:evidence_safetyrule_changelist") + query,
                counted(obj.safety_rules.count(), "safety rule", "safety rules"),
            ),
            (
                reverse("admin:evidence_finding_changelist") + query,
                counted(obj.findings.count(), "finding", "findings"),
            ),
            (
                reverse("admin:evidence_harm_changelist") + query,
                counted(obj.harms.count(), "harm or burden", "harms and burdens"),
            ),
        ]
        listed = format_html_join("", '<li><a href="{}">{}</a></li>', links)
        add_rule = reverse("admin:evidence_safetyrule_add") + f"?therapy={obj.pk}"
        return format_html(
            '<ul>{}<li><a href="{}">Add a safety rule</a></li></ul>', listed, add_rule
        )


@admin.register(Goal)
class GoalAdmin(HistoryAdmin):
    list_display = ["label", "slug", "position"]
    search_fields = ["label", "slug", "description"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(Condition)
class ConditionAdmin(HistoryAdmin):
    list_display = ["question", "slug", "active", "is_crisis", "position"]
    list_filter = ["active", "is_crisis"]
    search_fields = ["question", "slug", "help_text"]


@admin.register(CrisisContact)
class CrisisContactAdmin(HistoryAdmin):
    list_display = ["name", "region", "phone", "text", "url", "position"]
    list_filter = ["region"]
    search_fields = ["name", "phone", "text", "url", "when_to_use"]


@admin.register(Technique)
class TechniqueAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["not_for"]


@admin.register(NextStep)
class NextStepAdmin(HistoryAdmin):
    list_display = ["title", "position", "needs_clinician", "is_waiting"]
    list_filter = ["needs_clinician", "is_waiting", "conditions", "goals"]
    search_fields = ["title", "text", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["conditions", "goals"]
