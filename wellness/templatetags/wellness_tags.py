from django import template

from evidence.statements import CERTAINTY_LABELS

register = template.Library()


@register.filter
def lookup(mapping, key):
    """Return mapping[key], or the key itself when it is missing."""
    return mapping.get(key, key)


@register.filter
def certainty_label(certainty: str) -> str:
    """Return a GRADE certainty level in words, e.g. "Moderate certainty"."""
    return CERTAINTY_LABELS.get(certainty, certainty)
