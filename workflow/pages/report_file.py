"""The case's uploaded report, streamed after the case page's own check (a case the user may
not see is a 404), as an attachment the browser may not sniff (workflow/report_files.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from workflow import selectors
from workflow.report_files import report_file_response


@login_required
@require_safe
def case_report_file(request, pk: int):
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    return report_file_response(challenge)
