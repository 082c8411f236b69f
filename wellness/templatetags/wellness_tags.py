import functools
import re
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from evidence.statements import CERTAINTY_LABELS
from therapies.models import Therapy

register = template.Library()


@register.filter
def lookup(mapping, key):
    """Return mapping[key], or the key itself when it is missing."""
    return mapping.get(key, key)


@register.filter
def and_list(items) -> str:
    """Join items as a sentence does: "a", "a and b", "a, b and c"."""
    items = [str(item) for item in items]
    if len(items) < 3:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# "Text SHOUT to 85258", "Text 988": a word to send, if any, and the number to send it to.
_TEXT_LINE = re.compile(r"^Text (?:(?P<word>[A-Za-z]+) to )?(?P<number>\+?[0-9][0-9 ]*[0-9])$")


@register.filter
def sms_href(text: str) -> str:
    """Return an ``sms:`` link for a "Text WORD to NUMBER" line, or "" if it is not one."""
    match = _TEXT_LINE.match(text.strip())
    if match is None:
        return ""
    number = match["number"].replace(" ", "")
    return f"sms:{number}?body={quote(match['word'])}" if match["word"] else f"sms:{number}"


@register.filter
def certainty_label(certainty: str) -> str:
    """Return a GRADE certainty level in words, e.g. "Moderate certainty"."""
    return CERTAINTY_LABELS.get(certainty, certainty)


@register.filter
def certainty_level(certainty: str) -> str:
    """Return a GRADE certainty level alone, e.g. "Very low" (for "very low evidence")."""
    return CERTAINTY_LABELS.get(certainty, certainty).removesuffix(" certainty")


@register.filter
def format_label(name: str) -> str:
    """Return a way a therapy is offered in words, e.g. "In a group" for ``group``."""
    return Therapy.Format(name).label if name in Therapy.FORMAT_FIELDS else name


@register.filter
def source_path(slug: str) -> str:
    """Return the address of a source's page: ``{% url 'source-detail' slug %}``, remembered."""
    return _slug_path("source-detail", slug, get_script_prefix(), get_urlconf())


@register.filter
def therapy_path(slug: str) -> str:
    """Return the address of a therapy's page: ``{% url 'therapy-detail' slug %}``, remembered."""
    return _slug_path("therapy-detail", slug, get_script_prefix(), get_urlconf())


# The results page links every card and every cited source: reversing each one was a fifth of
# its rendering time (tests/benchmarks/README.md). The prefix and URLconf are part of the key,
# so an address is only reused where reverse() would give the same one.
@functools.lru_cache(maxsize=4096)
def _slug_path(view_name: str, slug: str, prefix: str, urlconf: str | None) -> str:
    return reverse(view_name, args=[slug], urlconf=urlconf)


@register.simple_tag
def site_url(view_name: str) -> str:
    """Return ``{% url view_name %}`` for a page without arguments, remembered: every page's
    header and footer link the same few pages."""
    return _site_path(view_name, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=64)
def _site_path(view_name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(view_name, urlconf=urlconf)


@register.simple_tag
def site_static(path: str) -> str:
    """Return ``{% static path %}``, remembered (the manifest's name does not change while the
    process runs; with DEBUG on, asked each time)."""
    return static(path) if settings.DEBUG else _static_path(path)


_static_path = functools.lru_cache(maxsize=64)(static)


@register.simple_tag
def benefit_item(benefit) -> SafeString:
    """Return one benefit as ``wellness/_benefit.html`` renders it, remembered."""
    return _fragment("wellness/_benefit.html", "benefit", benefit)


@register.simple_tag
def harm_list(harms) -> SafeString:
    """Return a list of harms as ``wellness/_harm_list.html`` renders it, remembered."""
    return _fragment("wellness/_harm_list.html", "harms", tuple(harms))


# A results page shows ten cards of about eight benefits each: rendering those includes was
# most of its time (tests/benchmarks/README.md). What they show is catalogue content alone (a
# finding, a therapy's harms), never an answer, so each is rendered once and kept, keyed by
# the content itself (the facts are frozen dataclasses, equal when their content is), with the
# prefix and URLconf its links are reversed with.
def _fragment(template_name: str, name: str, value) -> SafeString:
    if settings.DEBUG:  # templates may be edited while the server runs
        return _render(template_name, name, value, "", None)
    return _remembered(template_name, name, value, get_script_prefix(), get_urlconf())


def _render(template_name: str, name: str, value, prefix: str, urlconf: str | None) -> SafeString:
    return mark_safe(get_template(template_name).render({name: value}))  # noqa: S308  # nosec B308, B703


_remembered = functools.lru_cache(maxsize=4096)(_render)


@register.simple_tag
def radio_group(field, anchor: str = "", inline: bool = False) -> SafeString:
    """Return one question's radio buttons as ``wellness/questions/_radio_group.html`` renders
    them. With no error to show, remembered, keyed by everything the template reads of the
    field (its name, words, choices and value), so a question is rendered once per answer."""
    context = {"field": field, "anchor": anchor, "inline": inline}
    if field.errors or settings.DEBUG:
        return mark_safe(get_template(_RADIO_GROUP).render(context))  # noqa: S308  # nosec B308, B703
    key = (
        field.name,
        str(field.label),
        str(field.help_text),
        tuple((str(value), str(label)) for value, label in field.field.choices),
        field.value(),
        anchor,
        inline,
        get_script_prefix(),
    )
    html = _groups.get(key)
    if html is None:
        html = mark_safe(get_template(_RADIO_GROUP).render(context))  # noqa: S308  # nosec B308, B703
        if len(_groups) >= 2048:
            _groups.clear()
        _groups[key] = html
    return html


_RADIO_GROUP = "wellness/questions/_radio_group.html"
_groups: dict[tuple, SafeString] = {}


@receiver(setting_changed)
def _forget_paths(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _slug_path.cache_clear()
        _site_path.cache_clear()
    if setting.startswith("STATIC") or setting == "STORAGES":
        _static_path.cache_clear()
    if setting in ("ROOT_URLCONF", "TEMPLATES", "DEBUG"):
        _remembered.cache_clear()
        _groups.clear()
