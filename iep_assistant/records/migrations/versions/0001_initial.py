"""records: people, students, plans, goals, meetings, audit log

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "claimed_events",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_claimed_events")),
    )
    with op.batch_alter_table("claimed_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claimed_events_claimed_at"), ["claimed_at"], unique=False
        )

    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
        sa.UniqueConstraint("external_id", name=op.f("uq_schools_external_id")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "parent",
                "teacher",
                "case_manager",
                "provider",
                "administrator",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("slack_user_id", sa.String(length=32), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_people_school_id_schools"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("external_id", name=op.f("uq_people_external_id")),
        sa.UniqueConstraint("slack_user_id", name=op.f("uq_people_slack_user_id")),
    )
    op.create_table(
        "students",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("grade", sa.String(length=10), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_students_school_id_schools"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_students")),
        sa.UniqueConstraint("external_id", name=op.f("uq_students_external_id")),
    )
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_students_school_id"), ["school_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_ref", sa.String(length=128), nullable=False),
        sa.Column(
            "action",
            sa.Enum("read", "write", "denied", name="auditaction", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("what", sa.String(length=100), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "slack",
                "web",
                "terminal",
                "cli",
                "import",
                "system",
                name="channel",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["people.id"],
            name=op.f("fk_audit_log_actor_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_audit_log_student_id_students"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_student_at", ["student_id", "at"], unique=False)

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("initial", "reevaluation", name="evaluationkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("completed_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_evaluations_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("external_id", name=op.f("uq_evaluations_external_id")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluations_student_id"), ["student_id"], unique=False)

    op.create_table(
        "guardian_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("relationship", sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_guardian_links_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_guardian_links_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_links")),
        sa.UniqueConstraint("person_id", "student_id", name=op.f("uq_guardian_links_person_id")),
    )
    with op.batch_alter_table("guardian_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guardian_links_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "initial",
                "annual_review",
                "reevaluation",
                "amendment",
                "504_review",
                "other",
                name="meetingkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled", "held", "cancelled", name="meetingstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("video_link", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_meetings_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("external_id", name=op.f("uq_meetings_external_id")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(
            "ix_meetings_student_start", ["student_id", "starts_at"], unique=False
        )

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("IEP", "504", name="plankind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("draft", "active", "ended", name="planstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("last_review_date", sa.Date(), nullable=True),
        sa.Column("eligibility_category", sa.String(length=100), nullable=True),
        sa.Column("case_manager_id", sa.Integer(), nullable=True),
        sa.Column("progress_report_weeks", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_manager_id"],
            ["people.id"],
            name=op.f("fk_plans_case_manager_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_plans_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("external_id", name=op.f("uq_plans_external_id")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plans_case_manager_id"), ["case_manager_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plans_student_id"), ["student_id"], unique=False)

    op.create_table(
        "staff_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_staff_assignments_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_staff_assignments_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_assignments")),
        sa.UniqueConstraint("person_id", "student_id", name=op.f("uq_staff_assignments_person_id")),
    )
    with op.batch_alter_table("staff_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_assignments_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "accommodations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("applies_to", sa.String(length=100), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "accommodation",
                "modification",
                name="accommodationkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_accommodations_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accommodations")),
        sa.UniqueConstraint("external_id", name=op.f("uq_accommodations_external_id")),
    )
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accommodations_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("baseline", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("target", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=False),
        sa.Column("measured_by", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_goals_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("external_id", name=op.f("uq_goals_external_id")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "meeting_invitees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_invitees_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_meeting_invitees_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_invitees")),
        sa.UniqueConstraint("meeting_id", "person_id", name=op.f("uq_meeting_invitees_meeting_id")),
    )
    with op.batch_alter_table("meeting_invitees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_invitees_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("service_type", sa.String(length=100), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum("day", "week", "month", name="frequency", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("setting", sa.String(length=100), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_services_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["people.id"],
            name=op.f("fk_services_provider_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("external_id", name=op.f("uq_services_external_id")),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_services_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "progress_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
            name=op.f("fk_progress_entries_goal_id_goals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["people.id"],
            name=op.f("fk_progress_entries_recorded_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_entries")),
        sa.UniqueConstraint("external_id", name=op.f("uq_progress_entries_external_id")),
    )
    with op.batch_alter_table("progress_entries", schema=None) as batch_op:
        batch_op.create_index("ix_progress_goal_date", ["goal_id", "measured_on"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("progress_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_goal_date")

    op.drop_table("progress_entries")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_plan_id"))

    op.drop_table("services")
    with op.batch_alter_table("meeting_invitees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_invitees_person_id"))

    op.drop_table("meeting_invitees")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_plan_id"))

    op.drop_table("goals")
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accommodations_plan_id"))

    op.drop_table("accommodations")
    with op.batch_alter_table("staff_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_assignments_student_id"))

    op.drop_table("staff_assignments")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_student_id"))
        batch_op.drop_index(batch_op.f("ix_plans_case_manager_id"))

    op.drop_table("plans")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_student_start")
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))

    op.drop_table("meetings")
    with op.batch_alter_table("guardian_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_links_student_id"))

    op.drop_table("guardian_links")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_student_id"))

    op.drop_table("evaluations")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_student_at")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_students_school_id"))

    op.drop_table("students")
    op.drop_table("people")
    op.drop_table("schools")
    with op.batch_alter_table("claimed_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claimed_events_claimed_at"))

    op.drop_table("claimed_events")
