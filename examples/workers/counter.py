"""The worker of the signals/queries/updates sample: the `counter` workflow, in Python.

    python examples/workers/counter.py --address localhost:7233 --task-queue counter

The workflow starts from a number, adds what `increment` signals send, answers the `value`
query, replaces the value with the `setValue` update (which answers the previous value and
rejects negative ones), and completes with the value when `finish` is signaled. The worker
prints "worker ready" once it polls, and runs until interrupted.
"""

import argparse
import asyncio
import os

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker


@workflow.defn(name="counter")
class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.done = False

    @workflow.run
    async def run(self, start: int) -> int:
        self.value += start
        await workflow.wait_condition(lambda: self.done)
        return self.value

    @workflow.signal(name="increment")
    def increment(self, amount: int) -> None:
        self.value += amount

    @workflow.signal(name="finish")
    def finish(self) -> None:
        self.done = True

    @workflow.query(name="value")
    def current(self) -> int:
        return self.value

    @workflow.update(name="setValue")
    def set_value(self, value: int) -> int:
        previous = self.value
        self.value = value
        return previous

    @set_value.validator
    def validate_set_value(self, value: int) -> None:
        if value < 0:
            raise ValueError(f"the value cannot be negative: {value}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"))
    parser.add_argument("--namespace", default=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    parser.add_argument("--task-queue", default="counter")
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(client, task_queue=args.task_queue, workflows=[Counter])
    print(f"worker ready: polling task queue {args.task_queue} at {args.address}", flush=True)
    await worker.run()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
