"""The Python worker of `temporal-bench`: the workflows the query and start+result workloads
need, each as cheap as a workflow can be, so the worker is never what is measured.

    python worker.py --address HOST:PORT --task-queue QUEUE
"""

import argparse
import asyncio

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker


@workflow.defn(name="benchQuick")
class BenchQuick:
    """Returns its argument at once: the start+result workload."""

    @workflow.run
    async def run(self, value: str) -> str:
        return value


@workflow.defn(name="benchWait")
class BenchWait:
    """Waits forever and answers a query: the query workload's targets."""

    @workflow.run
    async def run(self, value: str) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.query(name="benchQuery")
    def bench_query(self) -> str:
        return "bench"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    client = await Client.connect(args.address)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=[BenchQuick, BenchWait],
        max_concurrent_workflow_tasks=200,
    )
    print(f"worker ready on {args.task_queue}", flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
