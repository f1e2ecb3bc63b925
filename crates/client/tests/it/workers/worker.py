"""The Python worker of temporal-client's integration tests: one workflow per behaviour.

    python worker.py --address HOST:PORT --task-queue QUEUE
"""

import argparse
import asyncio
from datetime import timedelta
from typing import Any, List

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker


@workflow.defn(name="example")
class Example:
    @workflow.run
    async def run(self, name: str) -> str:
        return f"Hello, {name}!"


@workflow.defn(name="echo")
class Echo:
    """Returns its argument unchanged: the payload round trip."""

    @workflow.run
    async def run(self, value: Any) -> Any:
        return value


@workflow.defn(name="describeArgs")
class DescribeArgs:
    """Takes three arguments of different types: one payload each."""

    @workflow.run
    async def run(self, text: str, number: int, flag: bool) -> str:
        return f"{text}|{number}|{flag}"


@workflow.defn(name="noResult")
class NoResult:
    @workflow.run
    async def run(self) -> None:
        return None


@workflow.defn(name="counter")
class Counter:
    # The start value is set before any handler runs: a signal or update that arrives with
    # the start (signal-with-start, update-with-start, or simply early) sees it.
    @workflow.init
    def __init__(self, start: int) -> None:
        self.value = start
        self.done = False
        self.released = False

    @workflow.run
    async def run(self, start: int) -> int:
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

    @workflow.query(name="valuePlus")
    def value_plus(self, extra: int) -> int:
        return self.value + extra

    @workflow.query(name="explode")
    def explode(self) -> int:
        raise ValueError("the query handler exploded")

    @workflow.update(name="setValue")
    def set_value(self, value: int) -> int:
        previous = self.value
        self.value = value
        return previous

    @set_value.validator
    def validate_set_value(self, value: int) -> None:
        if value < 0:
            raise ValueError(f"the value cannot be negative: {value}")

    @workflow.update(name="addWhenReleased")
    async def add_when_released(self, amount: int) -> int:
        await workflow.wait_condition(lambda: self.released)
        self.value += amount
        return self.value

    @workflow.signal(name="release")
    def release(self) -> None:
        self.released = True

    @workflow.update(name="failingUpdate")
    def failing_update(self) -> None:
        raise ApplicationError("the update handler failed", type="UpdateBroke")


@workflow.defn(name="waitForever")
class WaitForever:
    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)


@workflow.defn(name="fail")
class Fail:
    @workflow.run
    async def run(self, message: str) -> None:
        raise ApplicationError(
            message, {"code": 51}, "retry later", type="CardDeclined", non_retryable=True
        )


@activity.defn(name="charge")
async def charge(amount: int) -> str:
    raise ApplicationError(f"card declined for {amount}", type="CardDeclined", non_retryable=True)


@workflow.defn(name="activityFails")
class ActivityFails:
    @workflow.run
    async def run(self) -> str:
        return await workflow.execute_activity(
            "charge",
            7,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )


@workflow.defn(name="continueAsNew")
class ContinueAsNew:
    @workflow.run
    async def run(self, remaining: int) -> str:
        if remaining > 0:
            workflow.continue_as_new(remaining - 1)
        return f"done in run {workflow.info().run_id}"


@workflow.defn(name="failFirstAttempt")
class FailFirstAttempt:
    @workflow.run
    async def run(self) -> int:
        if workflow.info().attempt < 2:
            raise ApplicationError("the first attempt fails")
        return workflow.info().attempt


@workflow.defn(name="sleep")
class Sleep:
    @workflow.run
    async def run(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@activity.defn(name="noop")
async def noop() -> None:
    return None


@workflow.defn(name="manyEvents")
class ManyEvents:
    """Makes a long history cheaply, in many pages: `n` memo upserts (one command, so one
    event, each), 100 per workflow task, each task ended by a no-op activity. The server pages
    a history by batches of events, the events one transaction wrote, and never splits one
    (the dev server's default page is about 256 batches): 10,000 upserts in one task would be
    one page, 100 tasks of 100 are two."""

    @workflow.run
    async def run(self, n: int) -> int:
        for i in range(n):
            workflow.upsert_memo({"i": i})
            if i % 100 == 99 or i == n - 1:
                await workflow.execute_activity(
                    noop, start_to_close_timeout=timedelta(seconds=10)
                )
        return n


@workflow.defn(name="rawPayload")
class RawPayload:
    """Returns, and puts in its memo as `raw`, a payload built from exactly these metadata and
    bytes (hex): what another SDK or a buggy converter might write, unchecked."""

    @workflow.run
    async def run(self, metadata: dict, data_hex: str) -> RawValue:
        payload = RawValue(
            Payload(
                metadata={key: value.encode() for key, value in metadata.items()},
                data=bytes.fromhex(data_hex),
            )
        )
        workflow.upsert_memo({"raw": payload})
        return payload


@workflow.defn(name="rawSignalEcho")
class RawSignalEcho:
    """Returns the payload of its first `raw` signal unchanged, never decoding it."""

    def __init__(self) -> None:
        self.received: List[RawValue] = []

    @workflow.run
    async def run(self) -> RawValue:
        await workflow.wait_condition(lambda: bool(self.received))
        return self.received[0]

    @workflow.signal(name="raw")
    def raw(self, value: RawValue) -> None:
        self.received.append(value)


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
        workflows=[
            Example,
            Echo,
            DescribeArgs,
            NoResult,
            Counter,
            WaitForever,
            Fail,
            ActivityFails,
            ContinueAsNew,
            FailFirstAttempt,
            Sleep,
            ManyEvents,
            RawPayload,
            RawSignalEcho,
        ],
        activities=[charge, noop],
    )
    print(f"worker ready on {args.task_queue}", flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
