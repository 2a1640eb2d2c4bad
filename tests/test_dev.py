"""`partner-connect dev` as a new user meets it: a port in use is said in one line,
and the demo's new customer is a new tenant every time."""

import socket

from api.devtools.dev import demo_seed, demo_users
from api.settings import Settings, dev_settings
from tests.support.processes import environment, partner_connect


async def test_a_port_in_use_is_said_in_one_line(settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = await partner_connect("dev", "--port", str(port), env=environment(settings))
    assert ran.returncode == 2
    [line] = ran.stderr.strip().splitlines()
    assert f"port {port}" in line
    assert "--port" in line
    assert "PARTNER_CONNECT_PORT" in line
    assert "Traceback" not in ran.stderr


def test_the_demos_new_customer_is_a_new_tenant_each_time() -> None:
    settings, demo = dev_settings(), demo_seed()

    def new_customer() -> str:
        [user] = [u for u in demo_users(settings, demo) if u["label"].startswith("A new customer")]
        return str(user["tenantId"])

    assert new_customer() != new_customer()
