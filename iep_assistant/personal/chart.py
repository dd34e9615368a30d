"""A progress chart for one goal: the measurements against the line from baseline to
target, drawn by a front end from the records (as the person asking, so access is
checked and logged again) and shown privately."""

from __future__ import annotations

import base64
import io
from datetime import date

from sqlalchemy.orm import Session

from iep_assistant.records.store import NotVisible, StudentRecords, find_person
from iep_assistant.records.types import Channel
from iep_assistant.records.views import GoalProgress

DATA_URL_PREFIX = "data:image/png;base64,"


def progress_png(p: GoalProgress, today: date) -> bytes:
    # Imported here: matplotlib takes a moment to load, and only this needs it.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    g = p.goal
    fig = Figure(figsize=(6, 3), dpi=100)
    # Fixed margins: matplotlib's automatic layout costs a third of the drawing time.
    fig.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.12)
    ax = fig.add_subplot()
    ax.plot(
        [g.start_date, g.end_date],
        [float(g.baseline), float(g.target)],
        linestyle="--",
        color="#888888",
        label="expected (baseline to target)",
    )
    if p.points:
        ax.plot(
            [x.measured_on for x in p.points],
            [float(x.value) for x in p.points],
            marker="o",
            color="#1f6feb",
            label="measured",
        )
    if g.start_date <= today <= g.end_date:
        ax.axvline(today, color="#cccccc", linewidth=1)
    ax.set_title(f"{g.student.first_name}: {g.area} ({g.unit})", fontsize=10)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="best")
    ax.grid(alpha=0.3)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def progress_chart(p: GoalProgress, today: date) -> str:
    """The chart as a ``data:image/png;base64,...`` URL."""
    return DATA_URL_PREFIX + base64.b64encode(progress_png(p, today)).decode()


def chart_for(
    session: Session,
    slack_user_id: str,
    student_id: int,
    goal_id: int,
    today: date,
    channel: Channel = Channel.SLACK,
) -> bytes | None:
    """The chart of one goal as ``slack_user_id`` may see it, or None if they may not."""
    person = find_person(session, slack_user_id)
    if person is None:
        return None
    try:
        found = StudentRecords(session, person, channel=channel).progress(student_id, goal_id)
    except NotVisible:
        return None
    return progress_png(found, today)
