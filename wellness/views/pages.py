"""Pages with fixed content: home, urgent help, privacy."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from therapies.models import CrisisContact


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
