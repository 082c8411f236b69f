"""About this information: who writes and funds it, how it is checked, how to report a mistake."""

import re

import pytest
from django.urls import reverse

from therapies.models import Therapy

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_about_page_says_who_writes_and_funds_it_and_where_to_report(
    client, seeded_module, settings
):
    settings.PUBLISHER_NAME = "the Riverside Clinic catalogue team"
    settings.PUBLISHER_FUNDING = "The Riverside Clinic pays for this service."
    settings.CONTENT_CONTACT_EMAIL = "content@riverside.example.org"

    html = text(client.get(reverse("about")))

    assert "written and checked by the Riverside Clinic catalogue team" in html
    assert "The Riverside Clinic pays for this service." in html
    assert 'href="mailto:content@riverside.example.org"' in html
    assert 'id="report"' in html
    assert "GRADE" in html
    assert 'href="/sources/joseph-williams-2014-ipdas/"' in html


def test_about_page_lists_when_each_therapy_page_was_reviewed_and_is_due(client, seeded_module):
    html = text(client.get(reverse("about")))

    for therapy in Therapy.objects.published():
        assert f'href="/therapies/{therapy.slug}/">{therapy.name}</a>' in html
    assert "1 December 2026" in html
    assert "1 December 2027" in html
    assert "Cognitive therapy" not in html  # not published


def test_about_page_says_so_when_funding_and_the_address_are_not_yet_given(
    client, seeded_module, settings
):
    settings.PUBLISHER_FUNDING = ""
    settings.CONTENT_CONTACT_EMAIL = ""

    html = text(client.get(reverse("about")))

    assert "have not yet said who pays for it" in html
    assert "mailto:" not in html


@pytest.mark.parametrize("url", ["/", "/therapies/", "/therapies/cbt/", "/privacy/", "/help-now/"])
def test_every_page_links_to_the_about_page_and_to_report_a_mistake(client, seeded_module, url):
    html = text(client.get(url))

    assert '<a href="/about/">About this information</a>' in html
    assert '<a href="/about/#report">Report a mistake</a>' in html


def test_a_therapy_pages_footer_says_when_it_was_reviewed_and_is_next_due(client, seeded_module):
    html = text(client.get(reverse("therapy-detail", args=["cbt"])))
    footer = html[html.index('<footer class="site-footer">') :]

    assert "This page was last reviewed on 1 December 2026." in footer
    assert "Its next review is due by 1 December 2027." in footer
