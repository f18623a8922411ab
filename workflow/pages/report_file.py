"""The case's uploaded report, streamed after the case page's own check (a case the user may
not see is a 404), as an attachment the browser may not sniff: whatever the file holds, it
is never rendered on our origin."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from workflow import selectors
from workflow.report_files import CONTENT_TYPES, extension


@login_required
def case_report_file(request, pk: int):
    challenge = get_object_or_404(selectors.challenge_list(user=request.user), pk=pk)
    if not challenge.report_file:
        raise Http404("this case has no uploaded report")
    kind = extension(challenge.report_file.name)
    try:
        handle = challenge.report_file.open("rb")
    except FileNotFoundError:
        raise Http404("the report's file is missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{challenge.reference}-report.{kind}",
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
