from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Show the placeholder home page."""
    return render(request, "wellness/home.html")
