"""Loads the mySociety register of UK local authorities into `Council` (idempotent)."""

import csv
import datetime
from pathlib import Path

from core.one_line import MESSAGE as ONE_LINE
from core.one_line import has_line_break

DEFAULT_REGISTER = Path(__file__).parent / "data" / "uk_local_authorities_current.csv"


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def load_councils(council_model, path: Path = DEFAULT_REGISTER) -> dict[str, int]:
    """Upsert every row by code, then link counties, combined authorities and successors.

    Takes the model class so the data migration can pass its historical model.
    """
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    by_code = {c.code: c for c in council_model.objects.all()}
    for row in rows:
        values = {
            "gss_code": row["gss-code"],
            "name": row["nice-name"],
            "official_name": row["official-name"],
            "nation": row["nation"],
            "region": row["region"],
            "la_type": row["local-authority-type"],
            "la_type_name": row["local-authority-type-name"],
            "start_date": _date(row["start-date"]),
            "end_date": _date(row["end-date"]),
            "is_current": row["current-authority"] == "True",
        }
        for field in ("name", "official_name"):  # in the subject of most emails
            if has_line_break(values[field]):
                code = row["local-authority-code"]
                raise ValueError(f"register row {code}: the {field} {ONE_LINE}")
        council = by_code.get(row["local-authority-code"])
        if council is None:
            by_code[row["local-authority-code"]] = council_model.objects.create(
                code=row["local-authority-code"], **values
            )
            counts["created"] += 1
        elif any(getattr(council, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(council, k, v)
            council.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    for row in rows:
        council = by_code[row["local-authority-code"]]
        county = by_code.get(row["county-la"])
        combined = by_code.get(row["combined-authority"])
        if council.county_id != (county and county.pk) or council.combined_authority_id != (
            combined and combined.pk
        ):
            council.county, council.combined_authority = county, combined
            council.save(update_fields=["county", "combined_authority"])
        successors = {by_code[c].pk for c in _codes(row["replaced-by"]) if c in by_code}
        if set(council.replaced_by.values_list("pk", flat=True)) != successors:
            council.replaced_by.set(successors)
    return counts
