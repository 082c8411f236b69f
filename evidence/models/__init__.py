"""Sourced claims: where a claim comes from, what it says, and what is unsafe for whom."""

from evidence.models.changes import ChangeRequest, ChangeRequestQuerySet
from evidence.models.findings import Finding, FindingQuerySet
from evidence.models.records import LinkCheck
from evidence.models.safety import Harm, SafetyRule, WarningSign
from evidence.models.sources import Source, SourceQuerySet
from evidence.models.subjects import ONE_SUBJECT, Certainty, subject_name

__all__ = [
    "ONE_SUBJECT",
    "Certainty",
    "ChangeRequest",
    "ChangeRequestQuerySet",
    "Finding",
    "FindingQuerySet",
    "Harm",
    "LinkCheck",
    "SafetyRule",
    "Source",
    "SourceQuerySet",
    "WarningSign",
    "subject_name",
]
