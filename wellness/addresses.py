"""Whether an address is spelled as our own links spell it, so its answer may be kept.

The read API and the browse pages keep whole answers in the shared cache, under a key made from
the address. Only plainly spelled addresses are kept: any other spelling of a request (an unknown
or repeated parameter, percent-escapes, 05 for 5) is answered but not kept, so the entries one
catalogue version can have are bounded by the catalogue, not by what clients send.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# A value as the API writes one in its links: a plain number or a slug-like word.
API_VALUE = re.compile(r"[1-9][0-9]*|[a-zA-Z][-a-zA-Z0-9_]*")
# A value as the browse pages' links and forms write one: empty, a number or a slug.
PAGE_VALUE = re.compile(r"[-a-zA-Z0-9_]*")


def plainly_spelled(query: str, allowed: Mapping[str, int], value: re.Pattern[str]) -> bool:
    """Return whether the query string gives only the allowed parameters, in plain values.

    ``allowed`` names each parameter with how often it may be given; every value must match
    ``value`` whole, with nothing escaped.
    """
    given: dict[str, int] = {}
    for pair in query.split("&") if query else ():
        name, _, text = pair.partition("=")
        given[name] = given.get(name, 0) + 1
        if given[name] > allowed.get(name, 0) or not value.fullmatch(text):
            return False
    return True
