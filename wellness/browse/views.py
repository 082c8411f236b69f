from django.http import HttpRequest, HttpResponse


def therapy_list(request: HttpRequest) -> HttpResponse:
    """Placeholder until the browse pages land."""
    return HttpResponse("Therapies")
