"""`{% load case_editing %}`: what the case pages need around editing a case."""

import re

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from workflow import roles, services

register = template.Library()

REFERENCE = re.compile(r"\bPC-(\d+)\b")


@register.filter
def link_case_references(text: str) -> SafeString:
    """The text, escaped, with each case reference in it (PC-00012) a link to that case."""
    pieces = REFERENCE.split(str(text))  # text, digits, text, digits, ..., text
    for i in range(1, len(pieces), 2):
        url = reverse("case-detail", args=[int(pieces[i])])
        pieces[i] = format_html('<a class="govuk-link" href="{}">PC-{}</a>', url, pieces[i])
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@register.filter
def editable_by(case, user) -> bool:
    """Whether to offer `user` the case's edit form. The service decides on saving; this only
    spares a manager a link to a refusal (a closed or withdrawn case takes no edits)."""
    return roles.can_manage(user) and not services.edit_refusal(case)
