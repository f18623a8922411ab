"""The load run's report (bench/load/run), in Markdown, from locust's CSV files and the drain's
JSON lines in the run's folder: the machine, throughput, p50/p95 per request and in total,
every failure, and the outbox drain with one worker against two."""

import argparse
import csv
import json
import os
import platform
import subprocess
from pathlib import Path


def machine() -> str:
    postgres = subprocess.run(
        "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1", shell=True, capture_output=True,
        text=True,
    ).stdout.strip()  # fmt: skip
    version = subprocess.run(
        [f"{postgres}/postgres", "--version"], capture_output=True, text=True
    ).stdout.split()[2]  # "postgres (PostgreSQL) 15.18 (Debian …)"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores "
        f"(load average now {load}), Python {platform.python_version()}, PostgreSQL {version}"
    )


def rows(path: Path) -> list[dict]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    for name in ("users", "seconds", "settle", "web-workers", "smtp-delay-ms", "wait", "scale"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    stats = rows(args.out / "locust_stats.csv")
    failures = rows(args.out / "locust_failures.csv")
    total = next(row for row in stats if row["Name"] == "Aggregated")
    print(f"# Load run over HTTP ({args.out.name})\n")
    print(f"Machine: {machine()}.")
    print(
        f"Data at scale {args.scale} (bench/generate.py) plus {args.users} managers with two open "
        f"cases each (bench/load/setup.py). gunicorn with {args.web_workers} sync workers over "
        "TLS, DEBUG off; PostgreSQL and Redis (broker, cache) on loopback; two Celery workers "
        f"(solo pool) sending to an SMTP sink that takes {args.smtp_delay_ms} ms per message and "
        f"{args.smtp_delay_ms} ms to close. locust: {args.users} users, think time "
        f"{args.wait.replace(',', '-')} s between requests, measured for {args.seconds} s from "
        f"{args.settle} s after the last user had signed in (the sign-ins' queue drained); "
        "locust runs on the same machine.\n"
    )
    signin = json.loads((args.out / "signin.json").read_text())
    print(
        f"Sign-in storm (before the measured window): {signin['users']} users each signed in "
        f"on the page and for an API token in {signin['seconds']} s ({signin['requests']} "
        f"requests, p50 {signin['p50_ms']} ms, p95 {signin['p95_ms']} ms, "
        f"{signin['failures']} failures).\n"
    )
    print(
        f"**Total: {int(total['Request Count']):,} requests, {float(total['Requests/s']):.1f} "
        f"requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"{int(total['Failure Count'])} failures.**\n"
    )
    print("| request | count | failures | req/s | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    measured = [row for row in stats if int(row["Request Count"])]  # not the sign-ins, reset
    for row in sorted(measured, key=lambda r: r["Name"] == "Aggregated"):
        name = "**total**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} "
            f"| {float(row['Max Response Time']):.0f} |"
        )
    if failures:
        print("\nFailures:\n")
        for row in failures:
            print(f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']} times)")
    print("\n## Outbox drain\n")
    print("| workers | emails | sweep (s) | all sent after (s) | emails/s | sent | failed |")
    print("|---|---|---|---|---|---|---|")
    drains = [json.loads((args.out / f"drain-{n}.json").read_text()) for n in (1, 2)]
    for drain in drains:
        print(
            f"| {drain['label']} | {drain['emails']} | {drain['sweep_s']} | {drain['seconds']} "
            f"| {drain['per_s']} | {drain['sent']} | {drain['failed']} |"
        )
    ratio = drains[1]["per_s"] / drains[0]["per_s"]
    print(f"\nTwo workers against one: {ratio:.2f} times the rate.")
    count = args.out / "smtp-count"
    if count.exists():
        print(f"The SMTP sink took {int(count.read_text()):,} messages in the whole run.")


if __name__ == "__main__":
    main()
