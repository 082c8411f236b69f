"""The recommendation ``Result`` as plain dicts: the JSON of ``ResultSerializer``, built directly.

``ResultSerializer`` describes the answer in the OpenAPI schema. Running it for every request cost
most of the request (DRF builds and deep-copies its fields for each nested object), so the answer
is built here instead; tests/api/test_result_dicts.py checks both give the same JSON.
"""

from __future__ import annotations

from typing import Any

from evidence.statements import certainty_words
from wellness.content import GAP_WORDS, PREFERENCE_REASONS
from wellness.recommender import (
    Benefit,
    Crisis,
    FindingNumbers,
    HarmFacts,
    NextStepFacts,
    Reason,
    Recommendation,
    Result,
    SourceRef,
    TherapyRef,
    WarningSignFacts,
)


def _source(source: SourceRef | None) -> dict[str, str] | None:
    if source is None:
        return None
    return {"slug": source.slug, "title": source.title, "link": source.link}


def _therapy(therapy: TherapyRef) -> dict[str, str]:
    return {"slug": therapy.slug, "name": therapy.name, "kind": therapy.kind}


def _benefit(benefit: Benefit) -> dict[str, Any]:
    return {
        "goal": benefit.goal,
        "finding": benefit.finding,
        "statement": benefit.statement,
        "certainty": benefit.certainty,
        "certainty_words": certainty_words(benefit.certainty),
        "certainty_rated_by": benefit.rated_by,
        "clinician_checked": benefit.clinician_checked,
        "direction": benefit.direction,
        "sources": [_source(source) for source in benefit.sources],
        **_numbers(benefit.numbers),
    }


_NO_NUMBERS = {
    "population": "",
    "comparator": "",
    "effect_measure": "",
    "effect_unit": "",
    "effect_value": None,
    "ci_low": None,
    "ci_high": None,
    "studies_count": None,
    "participants_count": None,
}


def _numbers(numbers: FindingNumbers | None) -> dict[str, Any]:
    """The finding's numbers, by the names and in the form the therapy API gives them."""
    if numbers is None:
        return _NO_NUMBERS
    return {
        "population": numbers.population,
        "comparator": numbers.comparator,
        "effect_measure": numbers.effect_measure,
        "effect_unit": numbers.effect_unit,
        "effect_value": numbers.effect_value,
        "ci_low": numbers.ci_low,
        "ci_high": numbers.ci_high,
        "studies_count": numbers.studies_count,
        "participants_count": numbers.participants_count,
    }


def harm_dict(harm: HarmFacts) -> dict[str, Any]:
    """Return a harm or burden as the API gives it, on result cards and therapies alike."""
    return {
        "slug": harm.slug,
        "category": harm.category,
        "statement": harm.statement,
        "certainty": harm.certainty,
        "clinician_checked": harm.clinician_checked,
        "level": harm.level,
        "source": _source(harm.source),
    }


def other_path_dict(step: NextStepFacts) -> dict[str, Any]:
    """Return a path besides a therapy as the API gives it."""
    return {"key": step.slug, "title": step.title, "text": step.text}


def warning_sign_dict(sign: WarningSignFacts) -> dict[str, Any]:
    """Return signs that need urgent care, and what to do, as the API gives them."""
    return {
        "key": sign.slug,
        "condition": sign.condition,
        "signs": sign.signs,
        "action": sign.action,
        "source": _source(sign.source),
    }


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "condition": reason.condition,
        "message": reason.message,
        "source": _source(reason.source),
    }


def _recommendation(card: Recommendation) -> dict[str, Any]:
    return {
        "therapy": _therapy(card.therapy),
        "score": card.score,
        "matched_goals": list(card.matched_goals),
        "benefits": [_benefit(benefit) for benefit in card.benefits],
        "warnings": [
            {
                "condition": warning.condition,
                "effect": warning.effect,
                "message": warning.message,
                "source": _source(warning.source),
            }
            for warning in card.warnings
        ],
        "gate": card.gate,
        "suits": [_reason(reason) for reason in card.suits],
        "harms": [harm_dict(harm) for harm in card.harms],
        "what_to_expect": card.what_to_expect,
        "supporting_findings": card.supporting_findings,
        "value_misses": list(card.value_misses),
    }


def _crisis(crisis: Crisis | None) -> dict[str, Any] | None:
    if crisis is None:
        return None
    contacts = [
        {
            "name": contact.name,
            "phone": contact.phone,
            "text": contact.text,
            "url": contact.url,
            "when_to_use": contact.when_to_use,
        }
        for contact in crisis.contacts
    ]
    return {"message": crisis.message, "contacts": contacts}


def result_dict(result: Result) -> dict[str, Any]:
    """Return the result as ``ResultSerializer(result).data`` would, field for field."""
    return {
        "catalogue_version": result.catalogue_version,
        "crisis": _crisis(result.crisis),
        "recommendations": [_recommendation(card) for card in result.recommendations],
        "more_recommendations": result.more_recommendations,
        "excluded": [
            {"therapy": _therapy(e.therapy), "reasons": [_reason(r) for r in e.reasons]}
            for e in result.excluded
        ],
        "set_aside": [
            {
                "therapy": _therapy(s.therapy),
                "reason": s.reason,
                "message": PREFERENCE_REASONS[s.reason],
            }
            for s in result.set_aside
        ],
        "goal_gaps": [
            {
                "goal": gap.goal,
                "status": gap.status,
                "message": GAP_WORDS[gap.status],
                "notes": [_benefit(note) for note in gap.notes],
            }
            for gap in result.goal_gaps
        ],
        "other_paths": [other_path_dict(step) for step in result.other_paths],
        "warning_signs": [warning_sign_dict(sign) for sign in result.warning_signs],
    }
