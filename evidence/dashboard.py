"""The curator dashboard: what needs a curator's attention, each a filtered list in the admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from evidence.models import Finding, Harm, Source
from outbox.models import JobRequest


def review_due_cutoff():
    return timezone.now() - timedelta(days=settings.SOURCE_REVIEW_MAX_AGE_DAYS)


def sources_due_for_review() -> QuerySet[Source]:
    """Published sources whose last review is older than SOURCE_REVIEW_MAX_AGE_DAYS.

    A source published without a review here (e.g. from the seed file) counts from when it was
    added, so a fresh catalogue is not all due at once.
    """
    return (
        Source.objects.published()
        .alias(last_reviewed=Coalesce("reviewed_at", "created_at"))
        .filter(last_reviewed__lt=review_due_cutoff())
    )


# What "rated by our team" means for each: a finding says who rated it; a harm's certainty,
# when it has one, is always ours (time and cost have none).
TEAM_RATED_FINDING = Q(certainty_rated_by=Finding.RatedBy.TEAM)
TEAM_RATED_HARM = ~Q(certainty="")


def findings_awaiting_clinical_review() -> QuerySet[Finding]:
    """Findings whose certainty our team rated and no clinician has checked yet."""
    return Finding.objects.filter(TEAM_RATED_FINDING, clinician_checked=False)


def harms_awaiting_clinical_review() -> QuerySet[Harm]:
    """Harms with a certainty (always our team's) that no clinician has checked yet."""
    return Harm.objects.filter(TEAM_RATED_HARM, clinician_checked=False)


class _ClinicalReviewFilter(admin.SimpleListFilter):
    """Ratings by our team waiting for a clinician or checked, and the records rated otherwise."""

    title = "clinical review"
    parameter_name = "clinical_review"
    team_rated: Q
    other: tuple[str, str]  # the lookup and its label for what our team did not rate

    def lookups(self, request, model_admin):
        return [
            ("waiting", "Rated by our team, waiting for a clinician"),
            ("checked", "Rated by our team, checked by a clinician"),
            self.other,
        ]

    def queryset(self, request, queryset):
        if self.value() in ("waiting", "checked"):
            checked = self.value() == "checked"
            return queryset.filter(self.team_rated, clinician_checked=checked)
        if self.value() == self.other[0]:
            return queryset.exclude(self.team_rated)
        return queryset


class ClinicalReviewFilter(_ClinicalReviewFilter):
    team_rated = TEAM_RATED_FINDING
    other = ("source", "Rated by the source")


class HarmClinicalReviewFilter(_ClinicalReviewFilter):
    team_rated = TEAM_RATED_HARM
    other = ("unrated", "No certainty (time and cost)")


def findings_without_source_link() -> QuerySet[Finding]:
    """Findings whose source gives no DOI, URL or PMID, so no reader can follow it up."""
    return Finding.objects.filter(source__doi="", source__url="", source__pmid="")


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", f"Due (over {settings.SOURCE_REVIEW_MAX_AGE_DAYS} days old)")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(pk__in=sources_due_for_review().values("pk"))
        return queryset


class SourceLinkFilter(admin.SimpleListFilter):
    title = "source link"
    parameter_name = "source_link"

    def lookups(self, request, model_admin):
        return [("missing", "No DOI, URL or PMID")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(pk__in=findings_without_source_link().values("pk"))
        return queryset


@dataclass(frozen=True)
class Panel:
    title: str
    explanation: str
    count: int
    url: str
    action: str  # what to do from the list


def dashboard_panels() -> list[Panel]:
    """Return the dashboard's lists with their counts and filtered admin links (seven queries)."""
    sources = reverse("admin:evidence_source_changelist")
    findings = reverse("admin:evidence_finding_changelist")
    harms = reverse("admin:evidence_harm_changelist")
    jobs = reverse("admin:outbox_jobrequest_changelist")
    days = settings.SOURCE_REVIEW_MAX_AGE_DAYS
    return [
        Panel(
            "Broken links",
            "Published or draft sources whose link failed twice in a row.",
            Source.objects.filter(link_broken=True).count(),
            f"{sources}?link_broken__exact=1",
            "Fix the DOI or URL, then choose “Check links now”.",
        ),
        Panel(
            "Sources due for review",
            f"Published sources last reviewed more than {days} days ago.",
            sources_due_for_review().count(),
            f"{sources}?review=due",
            "Re-read the source; retract it or return it to draft if it no longer holds.",
        ),
        Panel(
            "Awaiting review",
            "Sources submitted for review by a curator; another curator publishes them.",
            Source.objects.filter(status=Source.Status.IN_REVIEW).count(),
            f"{sources}?status__exact=in-review",
            "Choose “Publish” or “Return to draft”.",
        ),
        Panel(
            "Certainty ratings for a clinician",
            "Findings whose certainty our team rated, not the source; a clinician has not "
            "checked them yet.",
            findings_awaiting_clinical_review().count(),
            f"{findings}?clinical_review=waiting",
            "Ask a clinician to check each rating and its reason, then choose “Mark the rating "
            "as checked by a clinician”.",
        ),
        Panel(
            "Harm ratings for a clinician",
            "Side effects and risks whose certainty our team rated; a clinician has not checked "
            "them yet.",
            harms_awaiting_clinical_review().count(),
            f"{harms}?clinical_review=waiting",
            "Ask a clinician to check each rating against its source, then choose “Mark the "
            "rating as checked by a clinician”.",
        ),
        Panel(
            "Findings without a source link",
            "Findings whose source has no DOI, URL or PMID.",
            findings_without_source_link().count(),
            f"{findings}?source_link=missing",
            "Add a DOI, URL or PMID to the source.",
        ),
        Panel(
            "Failed jobs",
            "Background jobs that stopped after their last attempt.",
            JobRequest.objects.failed().count(),
            f"{jobs}?status__exact=failed",
            "Read why, fix the cause, then choose “Try again”.",
        ),
    ]
