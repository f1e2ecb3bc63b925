"""The Python worker of the interceptor tests: a worker interceptor that records the workflow
header of every start, signal, query and update it receives, decoded by the payload
converter, in the workflow, whose query `headersSeen` returns them.

    python headers_worker.py --address HOST:PORT --task-queue QUEUE
"""

import argparse
import asyncio
from typing import Any, Dict, Optional, Type

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import (
    ExecuteWorkflowInput,
    HandleQueryInput,
    HandleSignalInput,
    HandleUpdateInput,
    Interceptor,
    Worker,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)


def decode(headers) -> Dict[str, Any]:
    converter = workflow.payload_converter()
    return {
        name: converter.from_payloads([payload])[0] for name, payload in headers.items()
    }


def record(event: str, headers) -> None:
    workflow.instance().seen[event] = decode(headers)


class RecordHeaders(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        record("start", input.headers)
        return await super().execute_workflow(input)

    async def handle_signal(self, input: HandleSignalInput) -> None:
        record(f"signal:{input.signal}", input.headers)
        return await super().handle_signal(input)

    async def handle_query(self, input: HandleQueryInput) -> Any:
        if input.query != "headersSeen":
            record(f"query:{input.query}", input.headers)
        return await super().handle_query(input)

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        record(f"update:{input.update}", input.headers)
        return await super().handle_update_handler(input)


class HeadersInterceptor(Interceptor):
    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> Optional[Type[WorkflowInboundInterceptor]]:
        return RecordHeaders


@workflow.defn(name="headers")
class Headers:
    def __init__(self) -> None:
        self.done = False
        self.seen: Dict[str, Dict[str, Any]] = {}

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self.done)
        return "done"

    @workflow.signal(name="ping")
    def ping(self) -> None:
        pass

    @workflow.signal(name="finish")
    def finish(self) -> None:
        self.done = True

    @workflow.query(name="headersSeen")
    def headers_seen(self) -> Dict[str, Dict[str, Any]]:
        return self.seen

    @workflow.query(name="hello")
    def hello(self) -> str:
        return "hello"

    @workflow.update(name="bump")
    def bump(self) -> int:
        return 1


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=[Headers],
        interceptors=[HeadersInterceptor()],
    )
    print(f"worker ready on {args.task_queue}", flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
