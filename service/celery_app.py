"""Scale-out: the batch items on Celery workers (Redis or RabbitMQ broker).

The database stays the source of truth. A task carries only an item id and runs the
same claim/process/record functions as the embedded runner, so a duplicate or
redelivered message is harmless: the compare-and-set claim lets one runner win.
Messages are acknowledged late and re-queued if the worker dies, and transient
failures come back with the same exponential backoff as in the embedded runner.

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


@app.task(bind=True, name="sohoa.process_item", max_retries=None)
def process_item(self: Task, item_id: int) -> str:
    """Process one batch item by id; retryable failures come back after their backoff."""
    from service import jobs, worker

    ctx = worker.context()
    state, retry_in = jobs.process_item(ctx.db, ctx.pipeline, ctx.blobs, item_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)
    return state
