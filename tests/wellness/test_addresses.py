"""The one check of a plainly spelled address, as the read API and the browse pages use it."""

import pytest

from wellness.addresses import API_VALUE, PAGE_VALUE, plainly_spelled

API = {"page": 1, "goal": 1}
PAGES = {"page": 1, "goal": 3}


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("", True),
        ("page=2", True),
        ("page=2&goal=sleep-better", True),
        ("page=02", False),  # 02 for 2
        ("page=0", False),
        ("page=", False),
        ("page=2&page=3", False),  # repeated
        ("other=1", False),  # unknown
        ("goal=sleep%2Dbetter", False),  # escaped
        ("page=2&", False),
    ],
)
def test_api_addresses(query, kept):
    assert plainly_spelled(query, API, API_VALUE) is kept


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("", True),
        ("page=", True),  # an empty field of a form
        ("page=02", True),
        ("goal=a&goal=b&goal=c", True),
        ("goal=a&goal=b&goal=c&goal=d", False),  # more often than the page reads it
        ("page=1&page=2", False),
        ("q=1", False),
        ("goal=a+b", False),
    ],
)
def test_page_addresses(query, kept):
    assert plainly_spelled(query, PAGES, PAGE_VALUE) is kept
