"""The deployment files, checked without a container engine.

- Schemas: compose.yaml against the Compose Specification's JSON schema (as vendored
  by the check-jsonschema package), each Kubernetes manifest against the Kubernetes
  API's schemas for its kind (shipped by the kubernetes-validate package), strictly:
  a misspelt field fails.
- Consistency: the environment each process gets (compose, or the ConfigMap and
  Secret) is enough for the production profile's settings and for every variable
  deploy/endpoints.production.yml names; ports, health paths, images, commands and
  the files the Dockerfiles copy exist and agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from iep_assistant.config import PROJECT_ROOT, ConfigError, load_settings

jsonschema = pytest.importorskip("jsonschema")
kubernetes_validate = pytest.importorskip("kubernetes_validate")

DEPLOY = PROJECT_ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # the oldest release still commonly run
# Ports and health paths, as the code has them (actions/server.py, bot/app.py,
# rasa_addons/channel.py under Rasa's /webhooks/iep prefix).
PORTS = {"rasa": 5005, "actions": 5055, "frontend": 8000}
HEALTH = {"rasa": "/webhooks/iep/", "actions": "/health", "frontend": "/healthz"}
# Readiness where it differs from liveness: a front end is ready once its database answers.
READY = {**HEALTH, "frontend": "/readyz"}
APP_SERVICES = ("migrate", "actions", "frontend")


# --- loading -------------------------------------------------------------------------------


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.lstrip().startswith("#")}


_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Compose's ${VAR} and ${VAR:-default} substitution ($$ is a literal $)."""
    if isinstance(value, str):
        replaced = _VARIABLE.sub(lambda m: env.get(m[1]) or (m[2] or ""), value)
        return replaced.replace("$$", "$")
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    return value


@cache
def compose() -> dict[str, Any]:
    """compose.yaml as `docker compose config` would read it with env.example as .env."""
    raw = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return interpolate(raw, env_file(DEPLOY / "env.example"))


def compose_env(service: str) -> dict[str, str]:
    """What the container of ``service`` gets: its env_file, then its environment."""
    spec = compose()["services"][service]
    env: dict[str, str] = {}
    for name in [spec["env_file"]] if isinstance(spec.get("env_file"), str) else []:
        # compose.yaml's env_file is deploy/.env, made from env.example.
        assert name == ".env"
        env |= env_file(DEPLOY / "env.example")
    env |= {k: str(v) for k, v in (spec.get("environment") or {}).items()}
    return env


def manifests() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(KUBERNETES.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                yield path, document


def kind(name: str, kind_: str) -> dict[str, Any]:
    found = [d for _, d in manifests() if d["kind"] == kind_ and d["metadata"]["name"] == name]
    assert len(found) == 1, f"one {kind_} {name} expected, found {len(found)}"
    return found[0]


def k8s_env(container: Mapping[str, Any]) -> dict[str, str]:
    """What a container gets from envFrom (ConfigMap, Secret) and env."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env |= kind(source["configMapRef"]["name"], "ConfigMap")["data"]
        if "secretRef" in source:
            env |= kind(source["secretRef"]["name"], "Secret")["stringData"]
    env |= {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    return env


def pod_containers(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The containers of a Deployment's, Job's or CronJob's pod; none for other kinds."""
    spec = document.get("spec", {})
    if document["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec.get("template", {}).get("spec", {}).get("containers", [])


def container(deployment: str) -> dict[str, Any]:
    containers = kind(deployment, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def endpoint_variables() -> set[str]:
    lines = (DEPLOY / "endpoints.production.yml").read_text().splitlines()
    text = "\n".join(line.split("#", 1)[0] for line in lines)
    return set(re.findall(r"\$\{(\w+)\}", text))


# --- schemas -------------------------------------------------------------------------------


def test_compose_file_follows_the_compose_specification() -> None:
    import check_jsonschema

    schema_path = (
        Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
    )
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose())]
    assert not errors, "\n".join(errors)


def test_the_compose_schema_check_can_fail() -> None:
    """The schema check above is not vacuous: a misspelt key is caught."""
    import check_jsonschema

    schema_path = (
        Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
    )
    schema = json.loads(schema_path.read_text())
    broken = json.loads(json.dumps(compose()))
    broken["services"]["rasa"]["healthcheck"]["intervall"] = "10s"
    assert not jsonschema.validators.validator_for(schema)(schema).is_valid(broken)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml"),
    ids=lambda p: p.name,
)
def test_kubernetes_manifests_follow_the_api_schemas(path: Path) -> None:
    for document in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_kubernetes_schema_check_can_fail() -> None:
    deployment = json.loads(json.dumps(kind("iep-rasa", "Deployment")))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest_but_the_secret_template() -> None:
    listed = set(yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["resources"])
    present = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present - {"secret.example.yaml"}


# --- settings and variables ----------------------------------------------------------------


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_gives_our_processes_a_complete_production_configuration(service: str) -> None:
    settings = load_settings(env=compose_env(service), dotenv=False)
    assert settings.profile == "production"
    assert urlsplit(settings.rasa_url).hostname == "rasa"
    assert urlsplit(settings.rasa_url).port == PORTS["rasa"]
    assert settings.slack_enabled and not settings.socket_mode, "Slack in HTTP mode"
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert urlsplit(settings.database_url).hostname == "postgres"


@pytest.mark.parametrize("deployment", ["iep-actions", "iep-frontend"])
def test_kubernetes_gives_our_processes_a_complete_production_configuration(
    deployment: str,
) -> None:
    settings = load_settings(env=k8s_env(container(deployment)), dotenv=False)
    assert settings.profile == "production"
    assert urlsplit(settings.rasa_url).hostname == "iep-rasa"
    assert settings.slack_enabled and not settings.socket_mode, "Slack in HTTP mode"


@pytest.mark.parametrize(("name", "kind_"), [("iep-migrate", "Job"), ("iep-purge", "CronJob")])
def test_the_jobs_get_a_production_configuration(name: str, kind_: str) -> None:
    (job,) = pod_containers(kind(name, kind_))
    settings = load_settings(env=k8s_env(job), dotenv=False)
    assert settings.profile == "production"
    assert settings.tracker_db_url.startswith("postgresql+psycopg://")


def _same_database(url: str, parts: Mapping[str, str]) -> None:
    """TRACKER_DB_URL (purge, forget) names the database Rasa writes (its parts)."""
    got = urlsplit(url)
    assert (got.hostname, got.port, got.path.lstrip("/"), got.username, got.password) == (
        parts["RASA_TRACKER_DB_HOST"],
        int(parts["RASA_TRACKER_DB_PORT"]),
        parts["RASA_TRACKER_DB_NAME"],
        parts["RASA_TRACKER_DB_USER"],
        parts["RASA_TRACKER_DB_PASSWORD"],
    )


def test_purge_and_forget_find_the_transcripts_rasa_writes() -> None:
    _same_database(compose_env("frontend")["TRACKER_DB_URL"], compose_env("rasa"))
    _same_database(
        k8s_env(container("iep-frontend"))["TRACKER_DB_URL"], k8s_env(container("iep-rasa"))
    )


def test_a_production_configuration_without_a_secret_is_refused() -> None:
    """What the two tests above rely on: a missing secret fails the settings."""
    env = compose_env("frontend")
    del env["ACTION_TOKEN"]
    with pytest.raises(ConfigError, match="ACTION_TOKEN"):
        load_settings(env=env, dotenv=False)


def test_rasa_gets_every_variable_its_endpoints_name() -> None:
    needed = endpoint_variables() | {"IEP_CHANNEL_SECRET", "RASA_API_TOKEN"}
    assert "RASA_TRACKER_DB_HOST" in needed and "REDIS_HOST" in needed
    assert needed - compose_env("rasa").keys() == set()
    assert needed - k8s_env(container("iep-rasa")).keys() == set()


def test_rasa_reaches_the_action_servers_and_the_stores() -> None:
    compose_rasa = compose_env("rasa")
    assert compose_rasa["ACTION_ENDPOINT_URL"] == f"http://actions:{PORTS['actions']}/webhook"
    assert compose_rasa["RASA_TRACKER_DB_HOST"] == "postgres"
    assert compose_rasa["REDIS_HOST"] == "redis"
    k8s_rasa = k8s_env(container("iep-rasa"))
    action_service = kind("iep-actions", "Service")
    url = urlsplit(k8s_rasa["ACTION_ENDPOINT_URL"])
    assert (url.hostname, url.port, url.path) == (
        action_service["metadata"]["name"],
        action_service["spec"]["ports"][0]["port"],
        "/webhook",
    )


def test_secrets_are_only_in_the_secret_and_the_env_file() -> None:
    secret_like = re.compile(r"SECRET|TOKEN|PASSWORD|DATABASE_URL|DB_URL")
    config = kind("iep-config", "ConfigMap")["data"]
    assert not [k for k in config if secret_like.search(k)]
    secret = kind("iep-secrets", "Secret")["stringData"]
    assert all("CHANGE-ME" in v for v in secret.values()), "placeholders only"
    raw = (DEPLOY / "compose.yaml").read_text()
    for line in raw.splitlines():
        if secret_like.search(line.split(":", 1)[0]) and ":" in line:
            value = line.split(":", 1)[1].strip()
            assert not value or "${" in value or "$$" in value, f"a literal secret: {line}"


# --- ports, probes, images, commands -------------------------------------------------------


@pytest.mark.parametrize("name", ["rasa", "actions", "frontend"])
def test_kubernetes_ports_and_probes_match_the_processes(name: str) -> None:
    spec = container(f"iep-{name}")
    (port,) = spec["ports"]
    assert port["containerPort"] == PORTS[name]
    service = kind(f"iep-{name}", "Service")["spec"]
    assert service["ports"][0]["targetPort"] == port["name"]
    assert (
        service["selector"] == kind(f"iep-{name}", "Deployment")["spec"]["selector"]["matchLabels"]
    )
    for probe, paths in (("readinessProbe", READY), ("livenessProbe", HEALTH)):
        get = spec[probe]["httpGet"]
        assert (get["path"], get["port"]) == (paths[name], port["name"])
    requests = spec["resources"]["requests"]
    assert {"cpu", "memory"} <= requests.keys() and "memory" in spec["resources"]["limits"]


@pytest.mark.parametrize("name", ["rasa", "actions", "frontend"])
def test_compose_healthchecks_ask_the_right_port_and_path(name: str) -> None:
    test = " ".join(compose()["services"][name]["healthcheck"]["test"])
    assert f"http://127.0.0.1:{PORTS[name]}{READY[name]}" in test
    assert compose()["services"][name]["expose"] == [str(PORTS[name])]


def test_the_health_paths_exist_in_the_code() -> None:
    assert '"/health"' in (PROJECT_ROOT / "actions" / "server.py").read_text()
    assert '"/healthz"' in (PROJECT_ROOT / "bot" / "app.py").read_text()
    assert '"/readyz"' in (PROJECT_ROOT / "bot" / "app.py").read_text()
    channel = (PROJECT_ROOT / "rasa_addons" / "channel.py").read_text()
    assert 'route("/", methods=["GET"])' in channel and 'return "iep"' in channel


def test_readiness_of_rasa_waits_for_the_model() -> None:
    spec = container("iep-rasa")
    startup = spec["startupProbe"]
    # ~30 s to load alone, more when replicas start together: allow minutes.
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 180
    assert compose()["services"]["rasa"]["healthcheck"]["start_period"] == "180s"


def test_images_are_built_from_dockerfiles_that_exist() -> None:
    services = compose()["services"]
    images = {}
    for spec in services.values():
        if "build" in spec:
            assert (DEPLOY / spec["build"]["context"] / spec["build"]["dockerfile"]).is_file()
            images[spec["image"].split(":")[0]] = spec["build"]["dockerfile"]
    assert images == {
        "iep-assistant-app": "deploy/Dockerfile.app",
        "iep-assistant-rasa": "deploy/Dockerfile.rasa",
    }
    for _, document in manifests():
        for one in pod_containers(document):
            assert one["image"].split(":")[0] in images


def test_the_commands_exist() -> None:
    scripts = (PROJECT_ROOT / "pyproject.toml").read_text()
    commands = [s["command"] for s in compose()["services"].values() if "command" in s]
    commands += [c["command"] for _, d in manifests() for c in pod_containers(d) if "command" in c]
    assert ["iep-assistant", "purge"] in commands and ["iep-assistant", "db", "upgrade"] in commands
    for command in commands:
        if command[:2] == ["python", "-m"]:
            module = PROJECT_ROOT.joinpath(*command[2].split("."))
            assert (module / "__main__.py").is_file() or module.with_suffix(".py").is_file()
        elif command[0] == "iep-assistant":
            assert 'iep-assistant = "iep_assistant.cli:main"' in scripts
            from iep_assistant.cli import build_parser

            build_parser().parse_args(command[1:])  # exits (fails the test) if unknown
        else:
            assert command[0] == "sh", command  # redis, whose image is not ours


@pytest.mark.parametrize("dockerfile", ["Dockerfile.app", "Dockerfile.rasa"])
def test_what_the_dockerfiles_copy_exists_and_is_not_ignored(dockerfile: str) -> None:
    text = (DEPLOY / dockerfile).read_text()
    allowed = [
        line[1:].rstrip("/")
        for line in (DEPLOY / f"{dockerfile}.dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    for line in text.splitlines():
        if not line.startswith("COPY "):
            continue
        for source in line.split()[1:-1]:
            clean = source.rstrip("/")
            # models/ is made by `make model` (not in git); the rest is source.
            if clean != "models":
                assert list(PROJECT_ROOT.glob(clean)), f"{dockerfile}: {source} missing"
            assert any(
                clean == a or clean.startswith(a + "/") or a.startswith(clean + "/")
                for a in allowed
            ), f"{dockerfile}: {source} is excluded by its .dockerignore"


def test_the_rasa_image_runs_the_production_profile() -> None:
    text = (DEPLOY / "Dockerfile.rasa").read_text()
    assert "--endpoints deploy/endpoints.production.yml" in text
    assert "--credentials deploy/credentials.production.yml" in text
    assert f"--port {PORTS['rasa']}" in text and "--interface 0.0.0.0" in text
    # What the Rasa server imports of ours must be copied into the image.
    copied = " ".join(line for line in text.splitlines() if line.startswith("COPY "))
    for path in (PROJECT_ROOT / "rasa_addons").glob("*.py"):
        for module in re.findall(r"^from (iep_assistant\.\w+) import", path.read_text(), re.M):
            assert module.replace(".", "/") + ".py" in copied, f"{path.name} needs {module}"
    endpoints = yaml.safe_load((DEPLOY / "endpoints.production.yml").read_text())
    assert endpoints["lock_store"]["type"] == "rasa_addons.lock_store.AtomicRedisLockStore"
    assert endpoints["tracker_store"]["type"] == "rasa_addons.tracker_store.LeanSQLTrackerStore"
    assert "COPY rasa_addons/ rasa_addons/" in copied  # the two stores are among them


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "deploy/endpoints.production.yml"])
def test_the_stores_rasa_is_told_to_load_exist(endpoints: str) -> None:
    """Rasa falls back to a tracker store in memory, with only a warning, when it cannot
    import the one named: each replica would then keep conversations of its own."""
    config = yaml.safe_load((PROJECT_ROOT / endpoints).read_text())
    for store in ("tracker_store", "lock_store"):
        kind = (config.get(store) or {}).get("type", "")
        if not kind.startswith("rasa_addons."):
            continue
        module, name = kind.rsplit(".", 1)
        source = PROJECT_ROOT / (module.replace(".", "/") + ".py")
        assert source.exists(), f"{endpoints}: {store} {kind}: no {source}"
        assert re.search(rf"^class {name}\(", source.read_text(), re.M), f"{kind} not defined"


def test_production_credentials_have_only_the_signed_channel() -> None:
    credentials = yaml.safe_load((DEPLOY / "credentials.production.yml").read_text())
    assert list(credentials) == ["rasa_addons.channel.SignedChannel"]
