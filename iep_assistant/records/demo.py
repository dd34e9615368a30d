"""A clearly fictional demo district, loaded by `iep-assistant demo-data` and `make run`.

It is generated relative to today (meetings in the coming weeks, progress over the
last months, a few deadlines due soon or overdue) and loaded through the district
importer, so loading it again only moves its dates forward. The personas, with
their Slack user ids, are listed in :data:`PERSONAS` and in the README.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from iep_assistant.config import Settings
from iep_assistant.records.db import Database
from iep_assistant.records.importer import Export, ImportReport, import_export

ELEMENTARY = "DEMO-SCH-1"
HIGH = "DEMO-SCH-2"


@dataclass(frozen=True)
class Persona:
    slack_user_id: str
    name: str
    role: str
    about: str


PERSONAS = (
    Persona("U0DEMOPARENT1", "Rosa Alvarez", "parent", "parent of two: Maya (IEP) and Leo (IEP)"),
    Persona("U0DEMOPARENT2", "David Kim", "parent", "parent of one: Noah (504 plan)"),
    Persona(
        "U0DEMOTEACHER", "Priya Shah", "teacher", "a classroom teacher of Leo and several others"
    ),
    Persona(
        "U0DEMOCASEMGR",
        "Daniel Okafor",
        "case_manager",
        "elementary case manager (Maya, Leo and most others)",
    ),
    Persona("U0DEMOSLP", "Grace Liu", "provider", "speech-language pathologist"),
    Persona(
        "U0DEMOHSCM", "Marcus Bell", "case_manager", "high-school case manager (transition at 16)"
    ),
    Persona("U0DEMOADMIN", "Helen Brooks", "administrator", "principal of Lakeview Elementary"),
    Persona("U0DEMONOBODY", "Sam Rivera", "parent", "known to the district, linked to nobody"),
)

FIRST = [
    "Ava",
    "Ethan",
    "Zoe",
    "Mateo",
    "Lily",
    "Omar",
    "Nora",
    "Caleb",
    "Ruby",
    "Isaac",
    "Hazel",
    "Jonah",
    "Ivy",
    "Felix",
    "Clara",
    "Theo",
    "Stella",
    "Miles",
    "Aria",
    "Jasper",
    "Luna",
    "Rowan",
    "Elise",
    "Dante",
    "Mila",
    "Kai",
    "Iris",
    "Owen",
    "Wren",
]
LAST = [
    "Bennett",
    "Castillo",
    "Dorsey",
    "Ellison",
    "Fairbanks",
    "Gallo",
    "Hartley",
    "Ibarra",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Oduya",
    "Pruitt",
    "Quintero",
    "Rasmussen",
    "Sorensen",
    "Thibault",
    "Underwood",
    "Vasquez",
]
CATEGORIES = (
    "Specific learning disability",
    "Speech or language impairment",
    "Other health impairment",
    "Autism",
    "Emotional disturbance",
)
GOALS = {
    "reading": ("read grade-level passages aloud", "words correct per minute", 40, 90),
    "math": ("solve multi-step word problems", "percent correct", 35, 80),
    "writing": ("write a five-sentence paragraph scored on the rubric", "rubric points", 4, 12),
    "speech": ("produce /r/ in words and sentences", "percent accuracy", 30, 85),
    "behavior": ("stay on task during independent work", "percent of intervals", 40, 80),
}


class _Rows:
    """The export being built, as the importer reads it: file name -> rows of strings."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, str]]] = {}

    def add(self, table: str, **values: object) -> None:
        self.tables.setdefault(table, []).append(
            {k: "" if v is None else str(v) for k, v in values.items()}
        )


def _local(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()} {hour:02d}:{minute:02d}"


def _school_day(day: date) -> date:
    """Move a weekend date to the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def build(today: date, tz: str = "America/Chicago") -> dict[str, list[dict[str, str]]]:
    """The demo district's export, as rows (deterministic for a given ``today``)."""
    rnd = random.Random(20261129)
    rows = _Rows()
    rows.add("schools", id=ELEMENTARY, name="Lakeview Elementary (demo)", time_zone=tz)
    rows.add("schools", id=HIGH, name="Lakeview High School (demo)", time_zone=tz)
    staff_school = {
        "U0DEMOTEACHER": ELEMENTARY,
        "U0DEMOCASEMGR": ELEMENTARY,
        "U0DEMOSLP": ELEMENTARY,
        "U0DEMOADMIN": ELEMENTARY,
        "U0DEMOHSCM": HIGH,
    }
    for p in PERSONAS:
        rows.add(
            "people",
            id=f"DEMO-{p.slack_user_id}",
            name=p.name,
            role=p.role,
            email=f"{p.name.split()[0].lower()}@example.org",
            slack_user_id=p.slack_user_id,
            time_zone=tz,
            school_id=staff_school.get(p.slack_user_id, ""),
        )
    students = list(_students(rnd))
    for index, s in enumerate(students):
        _student(rows, rnd, today, index, s)
    return rows.tables


@dataclass(frozen=True)
class _Kid:
    first: str
    last: str
    grade: str
    school: str
    plan: str  # "IEP" or "504" or "" (being evaluated)
    parent: str | None = None  # a persona's Slack id, else a generated parent
    nickname: str = ""
    areas: tuple[str, ...] = ("reading", "math")
    review_age_days: int = 150  # days since the last annual review
    behind: bool = False
    age_years: float | None = None


def _students(rnd: random.Random) -> Iterator[_Kid]:
    # The personas' children and the named cases the README walks through.
    yield _Kid(
        "Maya", "Alvarez", "2", ELEMENTARY, "IEP", "U0DEMOPARENT1",
        areas=("speech", "reading"), review_age_days=356,
    )  # fmt: skip
    yield _Kid(
        "Leo", "Alvarez", "4", ELEMENTARY, "IEP", "U0DEMOPARENT1",
        nickname="Leo", areas=("reading", "math"), review_age_days=340, behind=True,
    )  # fmt: skip
    yield _Kid("Noah", "Kim", "5", ELEMENTARY, "504", "U0DEMOPARENT2", areas=())
    yield _Kid("Benjamin", "Hartley", "3", ELEMENTARY, "IEP", nickname="Ben", review_age_days=380)
    yield _Kid("Sofia", "Castillo", "1", ELEMENTARY, "", areas=())  # initial evaluation under way
    yield _Kid(
        "Jayden", "Oduya", "10", HIGH, "IEP", areas=("writing", "behavior"),
        review_age_days=320, age_years=15.0,
    )  # fmt: skip
    yield _Kid(
        "Emma", "Rasmussen", "9", HIGH, "IEP", areas=("math",),
        review_age_days=30, age_years=14.8, behind=True,
    )  # fmt: skip
    yield _Kid("Liam", "Moreau", "11", HIGH, "504", areas=(), age_years=16.5)
    used = {"Maya", "Leo", "Noah", "Benjamin", "Sofia", "Jayden", "Emma", "Liam"}
    pool = [f for f in FIRST if f not in used]
    for i, first in enumerate(pool[:22]):
        high = i % 4 == 3
        plan = "504" if i % 5 == 4 else "IEP"
        areas = tuple(rnd.sample(sorted(GOALS), k=2)) if plan == "IEP" else ()
        yield _Kid(
            first,
            LAST[i % len(LAST)],
            str(9 + i % 4) if high else str(1 + i % 5),
            HIGH if high else ELEMENTARY,
            plan,
            areas=areas,
            review_age_days=rnd.randint(20, 330),
            behind=i % 3 == 0,
        )


def _student(rows: _Rows, rnd: random.Random, today: date, index: int, kid: _Kid) -> None:
    sid = f"DEMO-ST-{index + 1:02d}"
    high = kid.school == HIGH
    age = kid.age_years or (5.5 + int(kid.grade) + rnd.random() * 0.8)
    birth = today - timedelta(days=round(age * 365.25))
    rows.add(
        "students",
        id=sid,
        first_name=kid.first,
        last_name=kid.last,
        nickname=kid.nickname if kid.nickname != kid.first else "",
        birth_date=birth,
        grade=kid.grade,
        school_id=kid.school,
    )
    parent = f"DEMO-{kid.parent}" if kid.parent else f"DEMO-PAR-{index + 1:02d}"
    if not kid.parent:
        rows.add(
            "people",
            id=parent,
            name=f"{rnd.choice(FIRST[::-1])} {kid.last}",
            role="parent",
            email=f"family{index + 1}@example.org",
            slack_user_id="",
            time_zone="",
            school_id="",
        )
    rows.add("guardians", person_id=parent, student_id=sid, relationship="parent")
    manager = "DEMO-U0DEMOHSCM" if high else "DEMO-U0DEMOCASEMGR"
    # Students being evaluated are assigned too: the case manager keeps their clock.
    rows.add("staff_assignments", person_id=manager, student_id=sid, role="case manager")
    if (not high and kid.grade == "4") or kid.first == "Leo" or (not high and index % 4 == 1):
        rows.add(
            "staff_assignments", person_id="DEMO-U0DEMOTEACHER", student_id=sid, role="teacher"
        )
    if "speech" in kid.areas:
        rows.add(
            "staff_assignments",
            person_id="DEMO-U0DEMOSLP",
            student_id=sid,
            role="speech-language pathologist",
        )
    if not kid.plan:
        # Referred for an initial evaluation: consent 50 days ago, so due in 10.
        rows.add(
            "evaluations",
            id=f"{sid}-EV1",
            student_id=sid,
            kind="initial",
            consent_date=today - timedelta(days=50),
            completed_date="",
        )
        return
    last_review = today - timedelta(days=kid.review_age_days)
    plan_id = f"{sid}-PLAN"
    rows.add(
        "plans",
        id=plan_id,
        student_id=sid,
        kind=kid.plan,
        status="active",
        start_date=last_review,
        end_date=last_review + timedelta(days=364),
        last_review_date=last_review,
        eligibility_category=(
            "Other health impairment (ADHD)"
            if kid.plan == "504"
            else CATEGORIES[index % len(CATEGORIES)]
        ),
        case_manager_id=manager,
        progress_report_weeks=9 if kid.plan == "IEP" else "",
    )
    # Evaluated 3 years before, less a little: some reevaluations fall due soon.
    evaluated = last_review - timedelta(days=(index * 97) % 900 + 60)
    rows.add(
        "evaluations",
        id=f"{sid}-EV1",
        student_id=sid,
        kind="initial" if index % 2 else "reevaluation",
        consent_date=evaluated - timedelta(days=45),
        completed_date=evaluated,
    )
    _plan_contents(rows, rnd, today, sid, plan_id, kid, last_review)
    _meeting(rows, today, index, sid, kid, parent, manager)


def _plan_contents(
    rows: _Rows, rnd: random.Random, today: date, sid: str, plan_id: str, kid: _Kid, start: date
) -> None:
    if kid.plan == "504":
        for n, (text, where) in enumerate(
            (
                ("Extended time (1.5x) on tests and quizzes", "all classes"),
                ("Preferential seating near instruction", "all classes"),
                ("Movement breaks every 30 minutes", "all classes"),
            ),
            1,
        ):
            rows.add(
                "accommodations",
                id=f"{plan_id}-A{n}",
                plan_id=plan_id,
                description=text,
                applies_to=where,
                kind="accommodation",
            )
        return
    rows.add(
        "services",
        id=f"{plan_id}-S1",
        plan_id=plan_id,
        service_type="Specialized academic instruction",
        minutes=150,
        frequency="week",
        setting="resource room",
        provider_id="DEMO-U0DEMOHSCM" if kid.school == HIGH else "DEMO-U0DEMOCASEMGR",
    )
    if "speech" in kid.areas:
        rows.add(
            "services",
            id=f"{plan_id}-S2",
            plan_id=plan_id,
            service_type="Speech-language therapy",
            minutes=30,
            frequency="week",
            setting="therapy room",
            provider_id="DEMO-U0DEMOSLP",
        )
    accommodations = [
        ("Extended time (1.5x) on tests", "all classes", "accommodation"),
        ("Directions read aloud", "math", "accommodation"),
        ("Calculator for multi-step problems", "math", "accommodation"),
    ]
    if "reading" in kid.areas:
        accommodations.append(("Audiobooks for grade-level texts", "reading", "accommodation"))
        accommodations.append(("Shortened spelling lists", "spelling", "modification"))
    for n, (text, where, kind) in enumerate(accommodations, 1):
        rows.add(
            "accommodations",
            id=f"{plan_id}-A{n}",
            plan_id=plan_id,
            description=text,
            applies_to=where,
            kind=kind,
        )
    end = start + timedelta(days=364)
    for n, area in enumerate(kid.areas, 1):
        what, unit, baseline, target = GOALS[area]
        goal_id = f"{plan_id}-G{n}"
        rows.add(
            "goals",
            id=goal_id,
            plan_id=plan_id,
            area=area,
            statement=(
                f"By {end:%B %Y}, {kid.first} will {what}, from {baseline} to {target} {unit}."
            ),
            baseline=baseline,
            target=target,
            unit=unit,
            measured_by="biweekly probe" if area != "behavior" else "interval observation",
            start_date=start,
            end_date=end,
        )
        # Measurements every two weeks since the goal began (at most about 5 months).
        behind = kid.behind and n == 1
        first = max(start, today - timedelta(days=150)) + timedelta(days=7)
        day, k = first, 0
        while day < today:
            fraction = (day - start).days / 364
            expected = baseline + (target - baseline) * fraction
            value = expected * (0.8 if behind else 1.03) + rnd.uniform(-2, 2)
            rows.add(
                "progress",
                id=f"{goal_id}-P{k + 1:02d}",
                goal_id=goal_id,
                date=_school_day(day),
                value=f"{max(value, 0):.1f}",
                note="",
                recorded_by_id="",
            )
            day += timedelta(days=14)
            k += 1


def _meeting(
    rows: _Rows, today: date, index: int, sid: str, kid: _Kid, parent: str, manager: str
) -> None:
    # The annual review falls a year after the last one; demo meetings are set a few
    # days before it, inside the coming weeks, or a few weeks out for later reviews.
    due = datetime.combine(today, datetime.min.time()) + timedelta(days=365 - kid.review_age_days)
    in_days = max(2, min((due.date() - today).days - 3, 28 + index % 10))
    day = _school_day(today + timedelta(days=in_days))
    hour, minute = (14, 30) if index % 2 == 0 else (9, 0)
    kind = "annual_review" if kid.plan == "IEP" else "504_review"
    invitees = [parent, manager]
    if kid.first == "Leo" or index % 4 == 1:
        invitees.append("DEMO-U0DEMOTEACHER")
    if "speech" in kid.areas:
        invitees.append("DEMO-U0DEMOSLP")
    rows.add(
        "meetings",
        id=f"{sid}-M1",
        student_id=sid,
        kind=kind,
        starts_at=_local(day, hour, minute),
        time_zone="",
        duration_minutes=60,
        location="Room 114, Lakeview" if index % 3 else "",
        video_link="https://meet.example.org/iep-demo" if index % 3 != 1 else "",
        status="scheduled",
        invitee_ids=";".join(dict.fromkeys(invitees)),
    )


def load(database: Database, settings: Settings, *, today: date | None = None) -> ImportReport:
    """Load (or refresh) the demo district."""
    tz = settings.district_time_zone
    today = today or datetime.now(ZoneInfo(tz)).date()
    export = Export.from_rows(build(today, tz), source="demo-data")
    return import_export(database, export, district_time_zone=tz, actor="demo-data")
