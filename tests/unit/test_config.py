import pytest

from iep_assistant.config import ConfigError, load_settings


def test_defaults_are_the_embedded_profile(tmp_path):
    settings = load_settings({"IEP_DB_PATH": str(tmp_path / "x.db")})
    assert settings.profile == "embedded"
    assert settings.database_url == f"sqlite:///{tmp_path / 'x.db'}"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert not settings.slack_enabled


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"WEB_PORT": "eighty"}, "WEB_PORT"),
        ({"WEB_PORT": "70000"}, "WEB_PORT"),
        ({"RASA_URL": "localhost:5005"}, "RASA_URL"),
        ({"IEP_DISTRICT_TIME_ZONE": "Mars/Olympus"}, "IEP_DISTRICT_TIME_ZONE"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "not-a-token", "SLACK_SIGNING_SECRET": "x"}, "xoxb-"),
        ({"IEP_PROFILE": "prod"}, "IEP_PROFILE"),
        ({"DATABASE_URL": "just-a-path.db"}, "DATABASE_URL"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
    ],
)
def test_bad_settings_name_the_variable(env, needle):
    with pytest.raises(ConfigError, match=needle):
        load_settings(env)


def test_production_needs_its_secrets_and_postgres():
    with pytest.raises(ConfigError) as err:
        load_settings({"IEP_PROFILE": "production"})
    message = str(err.value)
    for name in (
        "DATABASE_URL",
        "TRACKER_DB_URL",
        "IEP_CHANNEL_SECRET",
        "RASA_API_TOKEN",
        "ACTION_TOKEN",
    ):
        assert name in message


def test_postgres_urls_use_psycopg3():
    settings = load_settings({"DATABASE_URL": "postgresql://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_slack_modes():
    socket = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    http = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "abc"})
    assert socket.slack_enabled and socket.socket_mode
    assert http.slack_enabled and not http.socket_mode


def test_office_hours_are_checked_when_the_settings_load():
    from iep_assistant.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="IEP_OFFICE_HOURS"):
        load_settings(env={"IEP_OFFICE_HOURS": "weekdays 9 to 5"}, dotenv=False)
    assert load_settings(env={"IEP_OFFICE_HOURS": "Mon-Sat 07:30-17:00"}, dotenv=False)
