"""Static checks of what users run but CI cannot (no Docker here): the compose file and
the Dockerfile name the services and commands the README describes."""

import re
from pathlib import Path

import yaml

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command(service: dict) -> str:
    value = service.get("command", "")
    return " ".join(value) if isinstance(value, list) else str(value)


def test_compose_runs_api_worker_database_redis_and_a_mail_catcher() -> None:
    services = compose()["services"]
    assert set(services) >= {"api", "worker", "postgres", "redis", "mailpit"}
    assert "uvicorn api.app:app" in command(services["api"])
    assert "partner-connect migrate" in command(services["api"])
    assert command(services["worker"]).startswith("partner-connect worker")
    assert "8001/healthz" in " ".join(services["worker"]["healthcheck"]["test"])
    for name, service in services.items():
        assert service.get("restart") == "unless-stopped", name
    assert "8025:8025" in services["mailpit"]["ports"]  # its web UI


def test_compose_configures_the_app_with_settings_it_knows() -> None:
    services = compose()["services"]
    known = {name.upper() for name in Settings.model_fields}
    for name in ("api", "worker"):
        environment = services[name]["environment"]
        assert set(environment) <= known, set(environment) - known
        assert {"DATABASE_URL", "REDIS_URL", "SMTP_URL", "JWT_SECRET"} <= set(environment)
        host = re.search(r"@(\w+):", environment["DATABASE_URL"])
        assert host
        assert host.group(1) in services
        assert environment["SMTP_URL"].startswith("smtp://mailpit:")


def test_the_dockerfile_installs_the_package_and_serves_the_api() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install ." in dockerfile
    assert "uvicorn api.app:app" in dockerfile
    assert re.search(r"^USER (?!root)", dockerfile, re.M)


def test_the_readme_shows_the_two_setup_commands_and_compose() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "partner-connect dev" in readme
    assert "pytest" in readme
    assert "docker compose up" in readme


def test_the_readme_seeds_the_compose_stack_with_a_file_the_image_holds() -> None:
    readme = (ROOT / "README.md").read_text()
    seeding = re.search(r"docker compose exec api partner-connect seed (/app/\S+)`", readme)
    assert seeding, "the README shows no one-liner that seeds the compose stack"
    # WORKDIR /app and COPY api ./api: /app/<path> in the image is <path> here.
    assert "WORKDIR /app" in (ROOT / "Dockerfile").read_text()
    assert (ROOT / seeding.group(1).removeprefix("/app/")).is_file()
