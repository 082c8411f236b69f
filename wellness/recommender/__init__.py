"""The recommendation engine: a pure function from answers to a ranked, explained result.

``engine`` holds the rules (read its docstring first); ``facts`` what it reads, ``snapshot``
the catalogue with its indexes, ``result`` what it returns. None of them imports Django.
"""

from wellness.recommender.engine import recommend
from wellness.recommender.facts import (
    CERTAINTY_WEIGHT,
    EFFECT_ORDER,
    FORMATS,
    HARM_ORDER,
    PRESSURES,
    SHORTLIST_SIZE,
    Answers,
    ConditionFacts,
    CrisisContactFacts,
    FindingFacts,
    GoalFacts,
    HarmFacts,
    NextStepFacts,
    RuleFacts,
    SourceRef,
    TherapyFacts,
    WarningSignFacts,
)
from wellness.recommender.result import (
    Benefit,
    Crisis,
    Excluded,
    GoalGap,
    Reason,
    Recommendation,
    Result,
    SetAside,
    TherapyRef,
    Warning,
)
from wellness.recommender.snapshot import CatalogueSnapshot, GoalEvidence, Ranked

__all__ = [
    "CERTAINTY_WEIGHT",
    "EFFECT_ORDER",
    "FORMATS",
    "HARM_ORDER",
    "PRESSURES",
    "SHORTLIST_SIZE",
    "Answers",
    "Benefit",
    "CatalogueSnapshot",
    "ConditionFacts",
    "Crisis",
    "CrisisContactFacts",
    "Excluded",
    "FindingFacts",
    "GoalEvidence",
    "GoalFacts",
    "GoalGap",
    "HarmFacts",
    "NextStepFacts",
    "Ranked",
    "Reason",
    "Recommendation",
    "Result",
    "RuleFacts",
    "SetAside",
    "SourceRef",
    "TherapyFacts",
    "TherapyRef",
    "Warning",
    "WarningSignFacts",
    "recommend",
]
