"""The worker of the hello-world samples: the guide's `example` workflow, in Python.

    python examples/workers/hello_world.py --address localhost:7233 --task-queue hello-world

It prints "worker ready" once it polls, and runs until interrupted.
"""

import argparse
import asyncio
import os

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker


@workflow.defn(name="example")
class Example:
    @workflow.run
    async def run(self, name: str) -> str:
        return f"Hello, {name}!"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"))
    parser.add_argument("--namespace", default=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    parser.add_argument("--task-queue", default="hello-world")
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(client, task_queue=args.task_queue, workflows=[Example])
    print(f"worker ready: polling task queue {args.task_queue} at {args.address}", flush=True)
    await worker.run()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
