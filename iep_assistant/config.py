"""Settings from the environment, validated once, with clear messages.

Entry points call :func:`load_settings` (which reads `.env` without overriding
what the environment already says); nothing reads the environment at import.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it and says what is expected."""


@dataclass(frozen=True)
class Settings:
    """Every setting the assistant reads. Defaults are the embedded profile."""

    database_url: str
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_port: int = 5005
    action_port: int = 5055
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    # Shared secret with which the front end signs each message it passes to
    # Rasa; it is what lets Rasa trust the sender id (see docs/threat-model.md).
    channel_secret: str = ""
    rasa_api_token: str = ""
    action_token: str = ""
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = "https://slack.com/api/"
    helpdesk_channel: str = ""
    office_hours: str = "Mon-Fri 08:00-16:00"
    district_time_zone: str = "America/Chicago"
    initial_evaluation_days: int = 60
    transition_age: int = 16
    # Automatic notices (each school may override them in the records).
    meeting_notice_days: int = 3
    digest_weekday: int = 0  # Monday
    digest_hour: int = 7
    # Every front-end process with Slack runs the reminder notifier unless this is off.
    notifier: bool = True
    notifier_interval: int = 30  # seconds between passes
    # A claimed message whose process died is taken over after this many seconds.
    notifier_lease: int = 300
    # Rasa's conversation transcripts (its SQL tracker store), for purge and forget.
    tracker_db_url: str = ""
    # Retention, in days (`iep-assistant purge`); the access log is a legal record.
    transcript_retention_days: int = 365
    ticket_retention_days: int = 365
    audit_retention_days: int = 2555
    log_level: str = "INFO"
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    rasa_bin: Path = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
    model_dir: Path = PROJECT_ROOT / "models"
    profile: str = "embedded"
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    for number, day in enumerate(_WEEKDAYS):
        if raw in (day, day[:3]):
            return number
    raise ConfigError(f"{name} must be a day of the week such as monday or mon, got {raw!r}")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be on or off, got {raw!r}")


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must start with http:// or https://, got {value!r}")
    return value.rstrip("/")


def _tracker_url(env: Mapping[str, str]) -> str:
    """Where Rasa keeps conversations: TRACKER_DB_URL, else the embedded SQLite file."""
    url = env.get("TRACKER_DB_URL", "").strip()
    if url:
        if "://" not in url:
            raise ConfigError(f"TRACKER_DB_URL must be a SQLAlchemy URL, got {url!r}")
        if url.startswith(("postgres://", "postgresql://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    path = env.get("IEP_TRACKER_DB", "").strip() or str(PROJECT_ROOT / "var" / "trackers.db")
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def default_database_url(env: Mapping[str, str]) -> str:
    path = Path(env.get("IEP_DB_PATH", "").strip() or PROJECT_ROOT / "var" / "iep.db")
    return f"sqlite:///{path.expanduser().resolve()}"


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Build settings from ``env`` (default: the process environment plus `.env`)."""
    if env is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(PROJECT_ROOT / ".env", override=False)
        env = os.environ
    profile = env.get("IEP_PROFILE", "embedded").strip() or "embedded"
    if profile not in ("embedded", "production"):
        raise ConfigError(f"IEP_PROFILE must be 'embedded' or 'production', got {profile!r}")
    database_url = env.get("DATABASE_URL", "").strip() or default_database_url(env)
    if "://" not in database_url:
        raise ConfigError(
            "DATABASE_URL must be a SQLAlchemy URL such as "
            f"postgresql+psycopg://user@host/db or sqlite:///path, got {database_url!r}"
        )
    if database_url.startswith("postgres://") or database_url.startswith("postgresql://"):
        # Use the psycopg 3 driver we install, whatever scheme was written.
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    tz = env.get("IEP_DISTRICT_TIME_ZONE", "").strip() or "America/Chicago"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"IEP_DISTRICT_TIME_ZONE must be an IANA time zone such as America/Chicago, got {tz!r}"
        ) from None
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")
    rasa_port = _int(env, "RASA_PORT", 5005, 1, 65535)
    web_port = _int(env, "WEB_PORT", 8000, 1, 65535)
    web_host = env.get("WEB_HOST", "").strip() or "127.0.0.1"
    settings = Settings(
        database_url=database_url,
        rasa_url=_url(env, "RASA_URL", f"http://127.0.0.1:{rasa_port}"),
        rasa_port=rasa_port,
        action_port=_int(env, "ACTION_PORT", 5055, 1, 65535),
        web_host=web_host,
        web_port=web_port,
        public_base_url=_url(env, "PUBLIC_BASE_URL", f"http://127.0.0.1:{web_port}"),
        channel_secret=env.get("IEP_CHANNEL_SECRET", "").strip(),
        rasa_api_token=env.get("RASA_API_TOKEN", "").strip(),
        action_token=env.get("ACTION_TOKEN", "").strip(),
        slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
        slack_api_url=env.get("SLACK_API_URL", "").strip() or "https://slack.com/api/",
        helpdesk_channel=env.get("IEP_HELPDESK_CHANNEL", "").strip(),
        office_hours=env.get("IEP_OFFICE_HOURS", "").strip() or "Mon-Fri 08:00-16:00",
        district_time_zone=tz,
        initial_evaluation_days=_int(env, "IEP_INITIAL_EVALUATION_DAYS", 60, 1, 365),
        transition_age=_int(env, "IEP_TRANSITION_AGE", 16, 10, 21),
        meeting_notice_days=_int(env, "IEP_MEETING_NOTICE_DAYS", 3, 0, 30),
        digest_weekday=_weekday(env, "IEP_DIGEST_WEEKDAY", 0),
        digest_hour=_int(env, "IEP_DIGEST_HOUR", 7, 0, 23),
        notifier=_bool(env, "IEP_NOTIFIER", True),
        notifier_interval=_int(env, "IEP_NOTIFIER_INTERVAL", 30, 1, 3600),
        notifier_lease=_int(env, "IEP_NOTIFIER_LEASE", 300, 1, 86400),
        tracker_db_url=_tracker_url(env),
        transcript_retention_days=_int(env, "IEP_TRANSCRIPT_RETENTION_DAYS", 365, 1, 36500),
        ticket_retention_days=_int(env, "IEP_TICKET_RETENTION_DAYS", 365, 1, 36500),
        audit_retention_days=_int(env, "IEP_AUDIT_RETENTION_DAYS", 2555, 365, 36500),
        log_level=log_level,
        knowledge_dir=Path(env.get("IEP_KNOWLEDGE_DIR", "") or PROJECT_ROOT / "knowledge"),
        rasa_bin=Path(env.get("RASA_BIN", "") or PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"),
        model_dir=Path(env.get("RASA_MODEL_DIR", "") or PROJECT_ROOT / "models"),
        profile=profile,
    )
    from iep_assistant.helpdesk.office_hours import OfficeHoursError, parse_office_hours

    try:
        parse_office_hours(settings.office_hours)
    except OfficeHoursError as exc:
        raise ConfigError(f"IEP_OFFICE_HOURS: {exc}") from None
    if settings.slack_bot_token and not settings.slack_bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    if settings.slack_app_token and not settings.slack_app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    if settings.slack_bot_token and not (settings.slack_app_token or settings.slack_signing_secret):
        raise ConfigError(
            "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor "
            "SLACK_SIGNING_SECRET (HTTP events) is"
        )
    if profile == "production":
        _check_production(settings)
    return settings


def _check_production(settings: Settings) -> None:
    missing = [
        name
        for name, value in (
            ("DATABASE_URL (PostgreSQL)", settings.database_url.startswith("postgresql")),
            # Where Rasa keeps transcripts, for purge and forget: not a local file.
            ("TRACKER_DB_URL (PostgreSQL)", settings.tracker_db_url.startswith("postgresql")),
            ("IEP_CHANNEL_SECRET", settings.channel_secret),
            ("RASA_API_TOKEN", settings.rasa_api_token),
            ("ACTION_TOKEN", settings.action_token),
        )
        if not value
    ]
    if missing:
        raise ConfigError("the production profile needs " + ", ".join(missing))
