"""Pages with fixed content: home, urgent help, privacy, about this information; and the
public change log, "What we changed and why"."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evidence.models import ChangeRequest, Source
from therapies.models import CrisisContact, Therapy
from wellness.browse.caching import cached_public_page
from wellness.browse.views import public_page

# The IPDAS minimum standards, cited on the About page when its source record is published.
IPDAS_SOURCE = "joseph-williams-2014-ipdas"


def home(request: HttpRequest) -> HttpResponse:
    """Show the start page of the service."""
    return render(request, "wellness/home.html")


def help_now(request: HttpRequest) -> HttpResponse:
    """Show where to get urgent help, for the configured region."""
    contacts = CrisisContact.objects.filter(region=settings.CRISIS_REGION)
    return render(request, "wellness/help_now.html", {"contacts": contacts})


def privacy(request: HttpRequest) -> HttpResponse:
    """Say exactly what is and is not kept."""
    context = {
        "saved_result_days": settings.SAVED_RESULT_DAYS,
        "staff_lockout_minutes": settings.STAFF_LOCKOUT_MINUTES,
    }
    return render(request, "wellness/privacy.html", context)


def about(request: HttpRequest) -> HttpResponse:
    """Say who writes and funds the information, how it is checked, and how to report a mistake."""
    therapies = (
        Therapy.objects.published()
        .order_by("name")
        .only("slug", "name", "reviewed_on", "next_review_on")
    )
    context = {
        "publisher_name": settings.PUBLISHER_NAME,
        "publisher_funding": settings.PUBLISHER_FUNDING,
        "contact_email": settings.CONTENT_CONTACT_EMAIL,
        "therapies": therapies,
        "last_reviewed": therapies.aggregate(last=Max("reviewed_on"))["last"],
        "ipdas": Source.objects.published().filter(slug=IPDAS_SOURCE).first(),
        "source_review_days": settings.SOURCE_REVIEW_MAX_AGE_DAYS,
    }
    return render(request, "wellness/about.html", context)


CHANGES_PER_PAGE = 50


@require_safe
@public_page
@cached_public_page(query={"therapy": 1, "page": 1})
def change_log(request: HttpRequest) -> HttpResponse:
    """List each approved change to safety advice or evidence, newest first, with its reason."""
    changes = ChangeRequest.objects.approved().order_by("-reviewed_at", "-pk")
    therapy = None
    slug = request.GET.get("therapy", "")
    if slug:
        therapy = Therapy.objects.published().filter(slug=slug).only("slug", "name").first()
        if therapy is None:
            raise Http404("No published therapy has this name.")
        changes = changes.filter(therapy_slug=slug)
    page = Paginator(
        changes.only("pk", "reviewed_at", "public_label", "public_reason", "action"),
        CHANGES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(request, "wellness/changes.html", {"page": page, "therapy": therapy})
