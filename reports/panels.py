"""The case page's findings panel (settings.CASE_PANELS, workflow/panels.py): the report's
findings by core component and the case's good practice. Managers get the forms to add,
change and remove them; programme leads and the peers on the team read them."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from reports.findings import case_components, may_record
from reports.good_practice import may_add_good_practice
from reports.models import Finding, GoodPractice
from workflow import roles
from workflow.models import PeerChallenge


def findings_panel(request: HttpRequest, case: PeerChallenge) -> SafeString | None:
    can_manage = roles.can_manage(request.user)
    findings = list(
        Finding.objects.filter(challenge=case).select_related("theme").order_by("component", "pk")
    )
    components = case_components(case)
    rows = [{"finding": f, "component": components.get(f.component, f.component)} for f in findings]
    # Drafts carry the council's survey answers: managers only (DESIGN.md §5).
    examples = GoodPractice.objects.filter(challenge=case)
    if not can_manage:
        examples = examples.filter(status=GoodPractice.Status.PUBLISHED)
    good_practice = list(examples.select_related("theme").order_by("pk"))
    recordable = may_record(case)
    if not rows and not good_practice and not (can_manage and recordable):
        return None
    return render_to_string(
        "reports/findings_panel.html",
        {
            "case": case,
            "rows": rows,
            "good_practice": good_practice,
            "can_manage": can_manage,
            "may_record": recordable,
            "may_add_good_practice": can_manage and may_add_good_practice(case),
        },
        request=request,
    )
