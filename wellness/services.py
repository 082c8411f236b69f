"""The one path from answers to a result, shared by the results page and the API."""

from __future__ import annotations

from wellness.recommender import Answers, Result, recommend
from wellness.selectors import catalogue_snapshot


def recommendation_compute(*, answers: Answers) -> Result:
    """Return the recommendation for these answers on the current catalogue.

    Nothing about the answers is stored or logged here or below.
    """
    return recommend(answers=answers, catalogue=catalogue_snapshot())
