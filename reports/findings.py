"""A case's report findings, tagged for the annual common-messages analysis (DOMAIN.md §5.3):
the one path the pages take to add, change and remove them, each write audited on the case's
timeline. Findings are recorded once the report exists (issued, published or later, closed
included so that history can be tagged); before that a write is refused (409)."""

from typing import Any

from django.db import transaction

from core.errors import InvalidInput, Refused
from reports.actions import FINDING_ADDED, FINDING_CHANGED, FINDING_REMOVED
from reports.models import Finding, Polarity, Theme
from workflow.audit import record_event
from workflow.choices import REPORT_ISSUED_OR_LATER
from workflow.models import ChallengeType, PeerChallenge

MAX_EXCERPT = 1000  # Finding.excerpt's max_length
NO_REPORT_YET = "Findings are recorded once the report is issued: this case has no report yet"


def component_labels() -> dict[str, str]:
    """Every core component any type names, code → label, the corporate type's first."""
    labels: dict[str, str] = {}
    types = ChallengeType.objects.order_by("pk").values_list("slug", "mandatory_components")
    for _, components in sorted(types, key=lambda t: t[0] != "corporate"):
        for component in components or []:
            labels.setdefault(component["code"], component["label"])
    return labels


def case_components(case: PeerChallenge) -> dict[str, str]:
    """The components a finding on this case may name: its type's mandatory ones and any its
    scope added; a type with none (a follow-up visit) takes its parent's, else every known."""
    known = component_labels()
    own = {c["code"]: c["label"] for c in case.challenge_type.mandatory_components or []}
    own |= {code: known[code] for code in case.scope_components or [] if code in known}
    if not own and case.parent is not None:
        own = {c["code"]: c["label"] for c in case.parent.challenge_type.mandatory_components}
    return own or known


def may_record(case: PeerChallenge) -> bool:
    return case.state in REPORT_ISSUED_OR_LATER


def _clean(case: PeerChallenge, data: dict[str, Any]) -> dict[str, Any]:
    """The Finding's fields from `data` (component code, theme slug or Theme, polarity,
    excerpt); every problem named by its field."""
    errors: dict[str, list[str]] = {}
    components = case_components(case)
    component = str(data.get("component") or "")
    if not component:
        errors["component"] = ["Select the core component"]
    elif component not in components:
        errors["component"] = [f"{component!r} is not a core component of this case"]
    theme = data.get("theme")
    if not isinstance(theme, Theme):
        theme = Theme.objects.filter(slug=str(theme or "")).first() if theme else None
        if theme is None:
            errors["theme"] = [
                "Select a theme from the list" if data.get("theme") else "Select the theme"
            ]
    if theme is not None and component in components and theme.component != component:
        errors["theme"] = [f"“{theme.name}” is not a theme of “{components[component]}”"]
    polarity = str(data.get("polarity") or "")
    if polarity not in Polarity.values:
        errors["polarity"] = ["Select strength or area for improvement"]
    excerpt = str(data.get("excerpt") or "").replace("\r\n", "\n").strip()
    if not excerpt:
        errors["excerpt"] = ["Enter the excerpt from the report"]
    elif len(excerpt) > MAX_EXCERPT:
        errors["excerpt"] = [
            f"Enter {MAX_EXCERPT:,} characters or fewer (you entered {len(excerpt):,})"
        ]
    if errors:
        raise InvalidInput(errors)
    return {"component": component, "theme": theme, "polarity": polarity, "excerpt": excerpt}


def _locked_case(case: PeerChallenge) -> PeerChallenge:
    locked = (
        PeerChallenge.objects.select_for_update().select_related("challenge_type").get(pk=case.pk)
    )
    if not may_record(locked):
        raise Refused([NO_REPORT_YET])
    return locked


def _record(case: PeerChallenge, action: str, finding: Finding, actor) -> None:
    """The audit row, telling the finding's tags in words, not codes."""
    words = {
        "component": case_components(case).get(finding.component, finding.component),
        "theme": finding.theme.name,
        "polarity": finding.get_polarity_display(),
    }
    record_event(challenge=case, action=action, from_state=case.state, actor=actor, data=words)


def finding_add(*, case: PeerChallenge, data: dict[str, Any], actor) -> Finding:
    """Record a finding on the case's report: InvalidInput naming each bad field (an unknown
    component or theme, a theme of another component, no or an overlong excerpt); Refused
    before the report is issued."""
    with transaction.atomic():
        locked = _locked_case(case)
        fields = _clean(locked, data)
        finding = Finding.objects.create(challenge=locked, created_by=actor, **fields)
        _record(locked, FINDING_ADDED, finding, actor)
    return finding


def finding_edit(*, finding: Finding, data: dict[str, Any], actor) -> Finding:
    """Change a finding, with the same rules as adding one."""
    with transaction.atomic():
        locked = _locked_case(finding.challenge)
        fields = _clean(locked, data)
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        for name, value in fields.items():
            setattr(finding, name, value)
        finding.save()
        _record(locked, FINDING_CHANGED, finding, actor)
    return finding


def finding_delete(*, finding: Finding, actor) -> None:
    with transaction.atomic():
        locked = _locked_case(finding.challenge)
        finding = Finding.objects.select_for_update().select_related("theme").get(pk=finding.pk)
        finding.delete()  # the instance keeps its fields for the audit row
        _record(locked, FINDING_REMOVED, finding, actor)
