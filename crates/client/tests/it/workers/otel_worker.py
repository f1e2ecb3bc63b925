"""The Python worker of the OpenTelemetry interop test: the Python SDK's own
`temporalio.contrib.opentelemetry.TracingInterceptor`, which reads the W3C trace context a
client writes in the `_tracer-data` workflow header. The spans the worker ends are kept by
an in-memory exporter, and written to --spans-file (one JSON line each: name, trace id,
span id, parent span id, in hex) every 100 ms, outside the workflow sandbox.

    python otel_worker.py --spans-file FILE --address HOST:PORT --task-queue QUEUE
"""

import argparse
import asyncio
import json
import os

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio import workflow
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.worker import Worker


def write_spans(exporter: InMemorySpanExporter, path: str) -> None:
    lines = []
    for span in exporter.get_finished_spans():
        parent = span.parent.span_id if span.parent else None
        lines.append(
            json.dumps(
                {
                    "name": span.name,
                    "trace_id": format(span.context.trace_id, "032x"),
                    "span_id": format(span.context.span_id, "016x"),
                    "parent_span_id": None if parent is None else format(parent, "016x"),
                }
            )
        )
    # Written whole, then renamed: the test never reads half a file.
    with open(path + ".partial", "w", encoding="utf-8") as file:
        file.write("".join(line + "\n" for line in lines))
    os.replace(path + ".partial", path)


async def keep_writing(exporter: InMemorySpanExporter, path: str) -> None:
    while True:
        write_spans(exporter, path)
        await asyncio.sleep(0.1)


@workflow.defn(name="traced")
class Traced:
    @workflow.run
    async def run(self) -> str:
        return "traced"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans-file", required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=[Traced],
        interceptors=[TracingInterceptor(provider.get_tracer(__name__))],
    )
    writer = asyncio.create_task(keep_writing(exporter, args.spans_file))
    print(f"worker ready on {args.task_queue}", flush=True)
    try:
        await worker.run()
    finally:
        writer.cancel()


if __name__ == "__main__":
    asyncio.run(main())
