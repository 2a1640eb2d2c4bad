"""The worker as configured: arq is not woken by an enqueue, so how often an idle
worker looks for jobs (`WORKER_POLL_SECONDS`) is the most a job waits before it starts;
both the supervised worker and arq's own runner take it from the settings."""

from api.settings import Settings
from workers import create_worker, worker_options


def test_the_worker_polls_as_often_as_configured(settings: Settings) -> None:
    assert Settings.model_fields["worker_poll_seconds"].default == 0.05  # arq's is 0.5
    configured = settings.model_copy(update={"worker_poll_seconds": 0.2})
    assert worker_options(configured)["poll_delay"] == 0.2
    assert create_worker(configured).poll_delay_s == 0.2
