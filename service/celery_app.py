"""Scale-out: the batch items on Celery workers (Redis or RabbitMQ broker).

The database stays the source of truth. A task carries only an item id and runs the
same claim/process/record functions as the embedded runner, so a duplicate or
redelivered message is harmless: the compare-and-set claim lets one runner win.
Messages are acknowledged late (prefetch 1) and re-queued if the worker dies; whatever
the broker does with a lost worker's message, the item's lease runs out within
SOHOA_LEASE_S and any live worker sends it again. Transient failures come back with the
same exponential backoff as in the embedded runner.

    SOHOA_BROKER_URL=redis://127.0.0.1:6379/0 sohoa worker
    SOHOA_BROKER_URL=amqp://guest:guest@127.0.0.1:5672// sohoa worker
"""

from __future__ import annotations

from celery import Celery, Task

from service.config import Settings


def queue_name() -> str:
    """The queue tasks go to (SOHOA_QUEUE; tests use their own to stay apart)."""
    return Settings.from_env().queue


def make_app(broker_url: str) -> Celery:
    app = Celery("sohoa", broker=broker_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # state lives in the database, not a result backend
        task_acks_late=True,  # a message is acknowledged once its item is recorded ...
        task_reject_on_worker_lost=True,  # ... and goes back to the queue if the worker dies
        worker_prefetch_multiplier=1,  # long tasks: do not hoard messages
        broker_connection_retry_on_startup=True,
        task_default_queue=queue_name(),
        worker_hijack_root_logger=False,
    )
    return app


app = make_app(Settings.from_env().broker_url or "redis://127.0.0.1:6379/0")


def configure(settings: Settings) -> Celery:
    """Point the app at the settings' broker, with a Redis visibility timeout sized to
    the per-page limit (kombu's default is an hour): a lost worker's message comes back
    after a few page times, not an hour later. A message redelivered while its item is
    still processed is harmless: the claim refuses it and the holder's lease stands."""
    visibility = max(60.0, 2 * settings.limits.ocr_timeout_s + settings.lease_s)
    app.conf.broker_url = settings.broker_url
    app.conf.broker_transport_options = {"visibility_timeout": visibility}
    return app


@app.task(bind=True, name="sohoa.process_item", max_retries=None)
def process_item(self: Task, item_id: int) -> str:
    """Process one batch item by id; retryable failures come back after their backoff."""
    from service import batches, worker

    ctx = worker.context()
    state, retry_in = batches.process_item(ctx.db, ctx.pipeline, ctx.blobs, item_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)
    return state
