"""manage.py programme_report --year 2016 [--period H1] [--format text|json|csv] [--table T]

The same figures as the page and the API (reports.programme computes them once): text is the
delivery paragraph and every table; json is the API's document; csv is every table, each under
its title and a blank line apart, or only the one --table names."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.renderers import JSONRenderer

from core.errors import InvalidInput
from reports.programme import programme_report
from reports.programme_pages import write_csv
from reports.programme_serializers import ProgrammeReportOutput
from reports.programme_tables import TABLES, Table, tables
from surveys.periods import PARTS


def _text_table(table: Table) -> list[str]:
    cells = [table.columns, *([str(c) for c in row] for row in table.rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    lines = [table.title, "=" * len(table.title)]
    for index, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return [*lines, ""]


class Command(BaseCommand):
    help = "Print the programme report for a UK financial year (2016 is 2016/17)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="2016 is 2016/17")
        parser.add_argument("--period", choices=list(PARTS), default="", help="A quarter or half")
        parser.add_argument("--format", choices=["text", "json", "csv"], default="text")
        parser.add_argument("--table", choices=list(TABLES), help="csv: only this table")

    def handle(self, *args, year: int, period: str, format: str, table: str | None, **options):
        if table and format != "csv":
            raise CommandError("--table goes with --format csv")
        try:
            report = programme_report(year=year, part=period)
        except InvalidInput as refused:
            raise CommandError(str(refused)) from refused
        if format == "json":
            # DRF's renderer, as the API's: Decimals are numbers there, strings to Django's.
            data = ProgrammeReportOutput(report).data
            self.stdout.write(JSONRenderer().render(data, renderer_context={"indent": 2}).decode())
        elif format == "csv":
            chosen = [TABLES[table](report)] if table else tables(report)
            for index, each in enumerate(chosen):
                if not table:
                    if index:
                        self.stdout.write("")
                    self.stdout.write(each.title)
                write_csv(each, self.stdout)
        else:
            lines = [report.period.label, "", report.paragraph, ""]
            for each in tables(report):
                lines += _text_table(each)
            self.stdout.write("\n".join(lines))
