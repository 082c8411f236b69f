"""The one path from answers to a result, shared by the results page and the API."""

from __future__ import annotations

from wellness.recommender import Answers, CatalogueSnapshot, Result, recommend
from wellness.selectors import catalogue_snapshot


def recommendation_compute(
    *,
    answers: Answers,
    limit: int | None = None,
    catalogue: CatalogueSnapshot | None = None,
) -> Result:
    """Return the recommendation for these answers on the current catalogue.

    ``limit`` keeps the best that many recommendations (None: all of them) and counts the rest.
    A caller that also shows names from the catalogue passes the ``catalogue_snapshot()`` it
    read them from, so both come from one version. Nothing about the answers is stored or
    logged here or below.
    """
    if catalogue is None:
        catalogue = catalogue_snapshot()
    return recommend(answers=answers, catalogue=catalogue, limit=limit)
