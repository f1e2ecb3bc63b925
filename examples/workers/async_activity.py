"""The worker of the async_activity_completion sample: an `approval` workflow whose
`requestApproval` activity asks a human and returns at once, leaving its completion to
whoever holds its task token.

    python examples/workers/async_activity.py --address localhost:7233 --task-queue approvals

A real activity would send its task token to the approver (in an email, a ticket, a queue);
this one writes it to `<temp dir>/temporal-async-activity/<workflow id>.token`, where the
sample reads it. It prints "worker ready" once it polls, and runs until interrupted.
"""

import argparse
import asyncio
import os
import tempfile
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.worker import Worker


@activity.defn(name="requestApproval")
async def request_approval(order: str) -> str:
    info = activity.info()
    token_dir = os.path.join(tempfile.gettempdir(), "temporal-async-activity")
    os.makedirs(token_dir, exist_ok=True)
    path = os.path.join(token_dir, f"{info.workflow_id}.token")
    # Written whole, then renamed: a reader never sees half a token.
    with open(path + ".partial", "wb") as file:
        file.write(info.task_token)
    os.rename(path + ".partial", path)
    activity.raise_complete_async()


@workflow.defn(name="approval")
class Approval:
    @workflow.run
    async def run(self, order: str) -> str:
        decision = await workflow.execute_activity(
            "requestApproval",
            order,
            activity_id="approval",
            start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )
        return f"{order}: {decision}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"))
    parser.add_argument("--namespace", default=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    parser.add_argument("--task-queue", default="approvals")
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=[Approval],
        activities=[request_approval],
    )
    print(f"worker ready: polling task queue {args.task_queue} at {args.address}", flush=True)
    await worker.run()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
