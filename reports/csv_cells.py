"""A CSV cell from any value: text a spreadsheet would run as a formula (=, +, -, @ …) is
neutralised (workflow.peer_csv's one guard); numbers stay numbers, None is empty."""

from django.http import HttpResponse

from workflow.peer_csv import spreadsheet_safe


def csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return spreadsheet_safe(str(value))


def bad_query(errors: dict) -> HttpResponse:
    """A CSV asked for with bad filters: a 400 in words (a page would show a form error)."""
    problems = [f"{name}: {' '.join(map(str, messages))}" for name, messages in errors.items()]
    return HttpResponse(
        "\n".join(["The filters have problems:", *problems]),
        status=400,
        content_type="text/plain; charset=utf-8",
    )
