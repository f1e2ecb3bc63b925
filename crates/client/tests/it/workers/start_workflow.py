"""Starts `echo` workflows with the Python SDK's client, as an application would, and waits
for their results: what the Rust client's starts are compared with on the wire.

    python start_workflow.py --address HOST:PORT --task-queue QUEUE \\
        --start WORKFLOW_ID JSON_ARGUMENT [--start WORKFLOW_ID JSON_ARGUMENT ...]

Each workflow gets the memo {"owner": "team-a"}. Prints one JSON line per workflow,
{"id": ..., "result": ...}, in the order given; exits non-zero if any start or result fails.
"""

import argparse
import asyncio
import json
import os
import sys
import traceback

from temporalio.client import Client


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    parser.add_argument(
        "--start", nargs=2, action="append", required=True, metavar=("WORKFLOW_ID", "JSON")
    )
    args = parser.parse_args()
    client = await Client.connect(args.address, namespace=args.namespace)
    handles = []
    for workflow_id, argument in args.start:
        handles.append(
            await client.start_workflow(
                "echo",
                json.loads(argument),
                id=workflow_id,
                task_queue=args.task_queue,
                memo={"owner": "team-a"},
            )
        )
    # A bound, so that a broken worker fails the test rather than hanging it.
    results = await asyncio.wait_for(
        asyncio.gather(*(handle.result() for handle in handles)), timeout=60
    )
    for handle, result in zip(handles, results):
        print(json.dumps({"id": handle.id, "result": result}), flush=True)


if __name__ == "__main__":
    # Exit without interpreter finalization: with temporalio 1.35 on Python 3.11, a thread of
    # the SDK's native runtime may take the GIL while the interpreter finalizes, and the
    # process aborts ("Fatal Python error: PyGILState_Release") after its work is done.
    try:
        asyncio.run(main())
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)
