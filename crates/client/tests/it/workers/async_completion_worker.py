"""The Python worker of the async activity completion tests: an activity that hands its task
token to the test (a file in --token-dir, named after the workflow id) and leaves its
completion to whoever holds the token.

    python async_completion_worker.py --token-dir DIR --address HOST:PORT --task-queue QUEUE
"""

import argparse
import asyncio
import os
from datetime import timedelta
from typing import Optional

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, CancelledError
from temporalio.worker import Worker

TOKEN_DIR = ""


@activity.defn(name="asyncShip")
async def async_ship(item: str) -> str:
    info = activity.info()
    path = os.path.join(TOKEN_DIR, f"{info.workflow_id}.token")
    # Written whole, then renamed: the test never reads half a token.
    with open(path + ".partial", "wb") as file:
        file.write(info.task_token)
    os.rename(path + ".partial", path)
    activity.raise_complete_async()


@workflow.defn(name="asyncActivity")
class AsyncActivity:
    """Runs `asyncShip` once (activity id `ship`) and returns its result; a `cancelActivity`
    signal cancels it, and the workflow then returns the cancellation's details."""

    def __init__(self) -> None:
        self.activity: Optional[workflow.ActivityHandle] = None

    @workflow.run
    async def run(self, item: str) -> str:
        self.activity = workflow.start_activity(
            "asyncShip",
            item,
            activity_id="ship",
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(maximum_attempts=1),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )
        try:
            return await self.activity
        except ActivityError as error:
            if isinstance(error.cause, CancelledError):
                return "cancelled: " + ",".join(str(d) for d in error.cause.details)
            raise

    @workflow.signal(name="cancelActivity")
    def cancel_activity(self) -> None:
        if self.activity is not None:
            self.activity.cancel()


async def main() -> None:
    global TOKEN_DIR
    parser = argparse.ArgumentParser()
    parser.add_argument("--token-dir", required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    TOKEN_DIR = args.token_dir
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=[AsyncActivity],
        activities=[async_ship],
    )
    print(f"worker ready on {args.task_queue}", flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
