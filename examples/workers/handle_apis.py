"""The worker of the handle-APIs sample, in Python:

- `example` greets (completes);
- `chargeCustomer` runs the `charge` activity, which declines the card (the workflow fails,
  and the failure's root cause is the activity's `CardDeclined` application error);
- `waitForCancel` waits until it is cancelled (or terminated), cleaning up on cancellation.

    python examples/workers/handle_apis.py --address localhost:7233 --task-queue handle-apis

It prints "worker ready" once it polls, and runs until interrupted.
"""

import argparse
import asyncio
import os
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker


@workflow.defn(name="example")
class Example:
    @workflow.run
    async def run(self, name: str) -> str:
        return f"Hello, {name}!"


@activity.defn(name="charge")
async def charge(amount: int) -> str:
    raise ApplicationError(
        f"card declined for {amount}", type="CardDeclined", non_retryable=True
    )


@workflow.defn(name="chargeCustomer")
class ChargeCustomer:
    @workflow.run
    async def run(self, amount: int) -> str:
        return await workflow.execute_activity(
            charge,
            amount,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )


@workflow.defn(name="waitForCancel")
class WaitForCancel:
    @workflow.run
    async def run(self) -> str:
        try:
            await workflow.wait_condition(lambda: False)
        except asyncio.CancelledError:
            # Cancellation lets the workflow clean up (cancel timers, activities, children)
            # before it closes as cancelled; termination gives it no such chance.
            workflow.logger.info("cancelled: cleaning up")
            raise
        return "unreachable"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"))
    parser.add_argument("--namespace", default=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    parser.add_argument("--task-queue", default="handle-apis")
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=[Example, ChargeCustomer, WaitForCancel],
        activities=[charge],
    )
    print(f"worker ready: polling task queue {args.task_queue} at {args.address}", flush=True)
    await worker.run()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
