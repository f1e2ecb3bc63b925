"""The Python worker of the `order` workflow that the sample contract crate
(examples/contract-sample) declares, for the contract tests.

    python orders.py --address HOST:PORT --task-queue QUEUE
"""

import argparse
import asyncio
from dataclasses import dataclass
from typing import List

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker


@dataclass
class Line:
    sku: str
    quantity: int


@workflow.defn(name="order")
class Order:
    def __init__(self) -> None:
        self._lines: List[Line] = []
        self._status = "open"
        self._approver = ""

    @workflow.run
    async def run(self, customer: str) -> str:
        await workflow.wait_condition(lambda: self._status != "open")
        return f"{customer}: {len(self._lines)} lines, {self._status} by {self._approver or 'nobody'}"

    @workflow.signal(name="approve")
    def approve(self, approver: str) -> None:
        self._approver = approver
        self._status = "approved"

    @workflow.signal(name="cancel")
    def cancel(self) -> None:
        self._status = "cancelled"

    @workflow.query(name="lines")
    def lines(self) -> List[Line]:
        return self._lines

    @workflow.query(name="status")
    def status(self) -> str:
        return self._status

    @workflow.update(name="addItem")
    def add_item(self, sku: str, quantity: int) -> int:
        return self._add(sku, quantity)

    @workflow.update(name="addSku")
    def add_sku(self, sku: str) -> int:
        return self._add(sku, 1)

    def _add(self, sku: str, quantity: int) -> int:
        self._lines.append(Line(sku=sku, quantity=quantity))
        return len(self._lines)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(client, task_queue=args.task_queue, workflows=[Order])
    print(f"worker ready on {args.task_queue}", flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
