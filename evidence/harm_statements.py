"""Harms and burdens in plain words: what happens, to how many people, and who was studied.

A figure is given as a share and as a natural frequency ("5.2%, about 1 in 20"), the way people
read risk most easily (IPDAS); the sentences follow the finding statements' style.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from evidence.statements import sentence

# Denominators people read easily, for "about 1 in 20".
_FRIENDLY: tuple[int, ...] = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75)
_FRIENDLY += (100, 150, 200, 250, 300, 400, 500, 750, 1000)


def _one_in(percent: Decimal) -> str:
    """Return a percentage as a natural frequency: 5.2 → "about 1 in 20"; "" if not sensible."""
    if percent <= 0 or percent > 50:
        return ""
    exact = 100 / float(percent)
    if exact > _FRIENDLY[-1]:
        # Rare: two significant figures ("about 1 in 20,000"), never capped at the list's end.
        nearest = int(float(f"{exact:.2g}"))
    else:
        nearest = min(_FRIENDLY, key=lambda n: abs(math.log(n / exact)))
    return f"about 1 in {nearest:,}"


def _percent(number: Decimal) -> str:
    rounded = number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded == 0 and number > 0:
        return "less than 0.1%"
    return f"{rounded.normalize():f}%"


def harm_statement(
    *,
    description: str,
    population: str = "",
    affected_percent: Decimal | None = None,
    affected_count: int | None = None,
    people_count: int | None = None,
    context: str = "",
) -> str:
    """Return a harm or burden in plain words, with how many people it happened to."""
    sentences = [description]
    percent = affected_percent
    if percent is None and affected_count is not None and people_count:
        percent = Decimal(affected_count * 100) / Decimal(people_count)
    if percent is not None and affected_count is not None and people_count:
        share = ", ".join(p for p in (_percent(percent), _one_in(percent)) if p)
        sentences.append(
            f"This happened to {affected_count:,} of {people_count:,} people studied ({share})"
        )
    elif percent is not None:
        one_in = _one_in(percent)
        studied = f"{people_count:,} people" if people_count else "people"
        sentences.append(
            f"This happened to {_percent(percent)} of the {studied} studied"
            + (f" ({one_in})" if one_in else "")
        )
    elif affected_count is not None:
        sentences.append(
            f"This happened to {affected_count:,} {'person' if affected_count == 1 else 'people'}"
            " in the studies"
        )
    if population:
        # One study or a review of many: "this comes from" fits both.
        sentences.append(f"This comes from {population}")
    elif people_count and percent is None:
        sentences.append(f"This comes from a study of {people_count:,} people")
    if context.strip():
        sentences.append(context)
    return " ".join(sentence(s) for s in sentences if s.strip())


def harm_statement_for(harm) -> str:
    """Return the public statement of a Harm (or any object with a Harm's fields)."""
    return harm_statement(
        description=harm.description,
        population=harm.population,
        affected_percent=harm.affected_percent,
        affected_count=harm.affected_count,
        people_count=harm.people_count,
        context=harm.context,
    )
