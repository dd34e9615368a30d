"""Time the district import on a synthetic export of N students.

    .venv/bin/python benchmarks/import_students.py [--students 10000]

Writes the export (parents, plans, ~3 goals each, services, accommodations, a few
progress entries per goal, one meeting each) to a temporary folder, imports it into
a fresh migrated SQLite database there (or into the empty database --database-url
names), and prints the rows per table and the seconds for a validation-only run,
the first import and a re-import (which must change nothing).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from iep_assistant.records.db import Database
from iep_assistant.records.importer import ImportReport, import_path

ZONE = "America/Chicago"
STAFF_PER_SCHOOL = 40
STUDENTS_PER_SCHOOL = 1_000
FIRST_NAMES = ["Ava", "Ben", "Chloe", "Dev", "Elena", "Finn", "Grace", "Hugo", "Iris", "Jonah"]
LAST_NAMES = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ivy"]
AREAS = [
    ("reading fluency", "words correct per minute", 40, 90),
    ("math calculation", "facts correct per minute", 10, 30),
    ("on-task behavior", "percent of intervals", 40, 80),
    ("articulation", "percent correct", 30, 85),
]
STAFF_ROLES = ["teacher", "teacher", "teacher", "case_manager", "provider", "administrator"]


def generate(folder: Path, students: int, seed: int = 7) -> dict[str, int]:
    """Write a synthetic export of ``students`` students; return the rows per file."""
    rng = random.Random(seed)
    tables: dict[str, list[list[object]]] = {
        "schools": [["id", "name", "time_zone"]],
        "people": [["id", "name", "role", "email", "slack_user_id", "time_zone", "school_id"]],
        "students": [
            ["id", "first_name", "last_name", "nickname", "birth_date", "grade", "school_id"]
        ],
        "guardians": [["person_id", "student_id", "relationship"]],
        "staff_assignments": [["person_id", "student_id", "role"]],
        "plans": [
            [
                "id",
                "student_id",
                "kind",
                "status",
                "start_date",
                "end_date",
                "last_review_date",
                "eligibility_category",
                "case_manager_id",
                "progress_report_weeks",
            ]
        ],
        "goals": [
            [
                "id",
                "plan_id",
                "area",
                "statement",
                "baseline",
                "target",
                "unit",
                "measured_by",
                "start_date",
                "end_date",
            ]
        ],
        "progress": [["id", "goal_id", "date", "value", "note", "recorded_by_id"]],
        "services": [
            ["id", "plan_id", "service_type", "minutes", "frequency", "setting", "provider_id"]
        ],
        "accommodations": [["id", "plan_id", "description", "applies_to", "kind"]],
        "evaluations": [["id", "student_id", "kind", "consent_date", "completed_date"]],
        "meetings": [
            [
                "id",
                "student_id",
                "kind",
                "starts_at",
                "time_zone",
                "duration_minutes",
                "location",
                "video_link",
                "status",
                "invitee_ids",
            ]
        ],
    }
    schools = max(1, -(-students // STUDENTS_PER_SCHOOL))
    staff: dict[int, list[tuple[str, str]]] = {}
    for s in range(schools):
        school = f"SCH-{s:03d}"
        tables["schools"].append([school, f"Synthetic School {s}", ZONE])
        staff[s] = []
        for k in range(STAFF_PER_SCHOOL):
            person, role = f"STF-{s:03d}-{k:02d}", STAFF_ROLES[k % len(STAFF_ROLES)]
            staff[s].append((person, role))
            slack = f"U{s:03d}S{k:03d}"
            tables["people"].append(
                [person, f"Staff {s}-{k}", role, f"staff{s}.{k}@example.org", slack, "", school]
            )
    start = date(2026, 1, 5)
    for n in range(students):
        s = n // STUDENTS_PER_SCHOOL
        school, student = f"SCH-{s:03d}", f"S-{n:06d}"
        last = LAST_NAMES[n % len(LAST_NAMES)]
        tables["students"].append(
            [
                student,
                FIRST_NAMES[rng.randrange(len(FIRST_NAMES))],
                last,
                "",
                (date(2012, 1, 1) + timedelta(days=rng.randrange(2500))).isoformat(),
                str(rng.randrange(1, 9)),
                school,
            ]
        )
        parents = [f"PAR-{n:06d}-{g}" for g in range(1 + n % 2)]
        for g, parent in enumerate(parents):
            slack = f"U{n:06d}P{g}" if g == 0 else ""
            tables["people"].append(
                [parent, f"Parent {g} of {student}", "parent", "", slack, "", ""]
            )
            tables["guardians"].append([parent, student, "mother" if g == 0 else "father"])
        case_manager = staff[s][3 + 6 * rng.randrange(6)][0]
        teacher = staff[s][6 * rng.randrange(6)][0]
        provider = staff[s][4 + 6 * rng.randrange(6)][0]
        tables["staff_assignments"].append([case_manager, student, "case manager"])
        tables["staff_assignments"].append([teacher, student, "classroom teacher"])
        plan_start = start + timedelta(days=rng.randrange(300))
        plan_end = plan_start + timedelta(days=364)
        plan = f"PLN-{n:06d}"
        tables["plans"].append(
            [
                plan,
                student,
                "IEP",
                "active",
                plan_start,
                plan_end,
                "",
                "Specific learning disability",
                case_manager,
                "9",
            ]
        )
        for g in range(3):
            area, unit, low, high = AREAS[(n + g) % len(AREAS)]
            goal = f"G-{n:06d}-{g}"
            tables["goals"].append(
                [
                    goal,
                    plan,
                    area,
                    f"{student} will improve {area} from {low} to {high} {unit}.",
                    low,
                    high,
                    unit,
                    "curriculum-based probes",
                    plan_start,
                    plan_end,
                ]
            )
            for p in range(3):
                value = f"{low + (high - low) * (p + 1) / 5:.1f}"
                measured = plan_start + timedelta(days=30 * (p + 1))
                tables["progress"].append(
                    [f"PR-{n:06d}-{g}-{p}", goal, measured, value, "", case_manager]
                )
        tables["services"].append(
            [f"SV-{n:06d}-0", plan, "specialized instruction", 45, "day", "resource room", ""]
        )
        tables["services"].append(
            [f"SV-{n:06d}-1", plan, "speech-language therapy", 30, "week", "", provider]
        )
        tables["accommodations"].append(
            [f"AC-{n:06d}-0", plan, "Extended time (1.5x) on tests", "all classes", ""]
        )
        tables["accommodations"].append(
            [f"AC-{n:06d}-1", plan, "Fewer spelling words", "spelling", "modification"]
        )
        consent = plan_start - timedelta(days=50)
        tables["evaluations"].append(
            [f"EV-{n:06d}", student, "initial", consent, consent + timedelta(days=40)]
        )
        # Weekdays in daylight hours: never inside a daylight-saving gap.
        meeting_day = plan_end - timedelta(days=14 + rng.randrange(20))
        meeting_day -= timedelta(days=max(0, meeting_day.weekday() - 4))
        tables["meetings"].append(
            [
                f"MT-{n:06d}",
                student,
                "annual_review",
                f"{meeting_day} {8 + rng.randrange(8):02d}:{rng.choice(['00', '30'])}",
                "",
                60,
                "conference room",
                "",
                "scheduled",
                ";".join([*parents, case_manager, teacher]),
            ]
        )
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as file:
            csv.writer(file).writerows(rows)
    return {name: len(rows) - 1 for name, rows in tables.items()}


def timed(database: Database, folder: Path, **options: object) -> tuple[float, ImportReport]:
    started = time.perf_counter()
    report = import_path(database, folder, district_time_zone=ZONE, **options)
    return time.perf_counter() - started, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--progress", action="store_true", help="show progress bars")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="iep-import-bench-") as tmp:
        folder = Path(tmp) / "export"
        folder.mkdir()
        started = time.perf_counter()
        counts = generate(folder, args.students)
        print(f"generated the export in {time.perf_counter() - started:.1f} s")
        for name, count in counts.items():
            print(f"  {name:<18} {count:>8,} rows")
        print(f"  {'(total)':<18} {sum(counts.values()):>8,} rows")

        database = Database.from_url(args.database_url or f"sqlite:///{Path(tmp) / 'records.db'}")
        database.upgrade()
        try:
            seconds, report = timed(database, folder, check_only=True, progress=args.progress)
            print(f"validation only (empty database): {seconds:.1f} s, {report.changes:,} to add")
            seconds, report = timed(database, folder, progress=args.progress)
            print(f"first import: {seconds:.1f} s, {report.changes:,} records written")
            seconds, again = timed(database, folder, progress=args.progress)
            print(f"re-import:    {seconds:.1f} s, {again.changes} changes")
            seconds, checked = timed(database, folder, check_only=True, progress=args.progress)
            print(f"validation only (after import): {seconds:.1f} s, {checked.changes} changes")
        finally:
            database.dispose()
    if again.changes:
        print("FAILED: the re-import changed records", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
