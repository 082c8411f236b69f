"""The questionnaire walked through the test client, as a person would (tests/browser drives
Chromium)."""

import re

from django.urls import reverse

from therapies.models import Condition


def conditions_in_order():
    return list(Condition.objects.active().values_list("slug", flat=True))


def answer_screening(client, yes=(), **extra):
    """Answer the crisis question on its page, then the health page; return the last response.

    A yes to the crisis question ends the walk there, as it ends the questionnaire.
    """
    response = None
    crisis = Condition.objects.active().filter(is_crisis=True).first()
    if crisis:
        answer = "yes" if crisis.slug in yes else "no"
        url = reverse("questions-condition", args=[crisis.slug])
        response = client.post(url, {"answer": answer, **extra})
        if answer == "yes":
            return response
    health = {
        slug: "yes" if slug in yes else "no"
        for slug in Condition.objects.active()
        .filter(is_crisis=False)
        .values_list("slug", flat=True)
    }
    if health:
        response = client.post(reverse("questions-health"), {**health, **extra})
    return response


def answer_all(
    client, *, goals=("pain-tension",), yes=(), format="any", pressure="any", values=None
):
    """Walk every step by POSTing; return the check page response (or the crisis page).

    ``values`` answers "What matters to you" (a dict of its fields); None skips that page.
    """
    response = client.post(reverse("questions-goals"), {"goals": list(goals)})
    assert response.status_code == 302, response.content
    response = answer_screening(client, yes=yes)
    if response.status_code == 200:  # the crisis page
        return response
    assert response.status_code == 302, response.content
    response = client.post(
        reverse("questions-preferences"), {"format": format, "pressure": pressure}
    )
    assert response.headers["Location"] == reverse("questions-values")
    if values is not None:
        response = client.post(reverse("questions-values"), values)
        assert response.headers["Location"] == reverse("questions-check"), response.content
    return client.get(reverse("questions-check"))


def token_from(response) -> str:
    match = re.search(rb'name="answers" value="([^"]+)"', response.content)
    assert match, "the page carries the signed answers in a form"
    return match.group(1).decode()


def show_results(client, check_page):
    return client.post(reverse("results"), {"answers": token_from(check_page)}, follow=True)
