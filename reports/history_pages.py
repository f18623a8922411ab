"""/reports/import/ (history-import): an admin uploads the history's CSV files (docs/import.md),
as several files or one zip, and reads either what was imported or every problem by file, line
and column (nothing written then). /reports/import/export.zip (history-export): the same files
exported, for another database or a spreadsheet. Admins only: an import writes whole cases."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from reports.history_export import export_zip
from reports.history_files import MAX_FILES, files_uploaded
from reports.history_format import FILES, HistoryRefused
from reports.history_import import import_history
from workflow import roles

MAX_SHOWN = 500  # problems listed on the page; a file wrong throughout says how many more


def is_admin(user) -> bool:
    return user.is_superuser or user.groups.filter(name=roles.ADMIN).exists()


def _admins_only(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise PermissionDenied


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _FilesField(forms.FileField):
    widget = _MultipleFileInput

    def clean(self, data, initial=None):
        each = super().clean
        if isinstance(data, list | tuple):
            return [each(item, initial) for item in data] if data else each(None, initial)
        return [each(data, initial)]


class HistoryUploadForm(forms.Form):
    uploads = _FilesField(
        label="The history's CSV files",
        help_text=f"Choose {', '.join(FILES)} (any of them), or one zip holding them; at most "
        f"{MAX_FILES} files.",
        error_messages={"required": "Choose the CSV files or a zip file to import"},
    )
    dry_run = forms.BooleanField(
        label="Only check the files: write nothing",
        required=False,
    )


@login_required
def history_import_page(request: HttpRequest) -> HttpResponse:
    _admins_only(request)
    form = HistoryUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context: dict = {"form": form, "files": FILES}
    if form.is_bound and form.is_valid():
        try:
            files = files_uploaded(form.cleaned_data["uploads"])
            summary = import_history(
                files, actor=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except HistoryRefused as refused:
            problems = refused.problems
            context |= {"problems": problems[:MAX_SHOWN], "more": len(problems) - MAX_SHOWN}
            form.add_error(
                "uploads",
                f"Nothing was imported: the files have {len(problems)} "
                f"problem{'' if len(problems) == 1 else 's'}, listed below",
            )
        else:
            context["summary"] = summary
    return render(request, "reports/history_import.html", context)


@login_required
@require_safe
def history_export_zip(request: HttpRequest) -> HttpResponse:
    _admins_only(request)
    response = HttpResponse(export_zip(), content_type="application/zip")
    name = f"programme-history-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
