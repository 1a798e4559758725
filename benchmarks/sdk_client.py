"""The official SDK doing what a benchmarked llamacloud-prod command does, written plainly.

    python benchmarks/sdk_client.py create ID [ID ...]     # one job over these items
    python benchmarks/sdk_client.py create @ids.txt         # ids from a file, one per line
    python benchmarks/sdk_client.py list LIMIT              # every job, auto-paged, JSON lines

Environment: LLAMA_CLOUD_API_KEY and LLAMA_CLOUD_BASE_URL (set by benchmarks/run.py).
The client uses max_retries=0. Output mirrors the CLI: the created job as indented JSON,
list items as one compact JSON object per line (`item.to_json(indent=None)`, i.e. pydantic's
`model_dump_json` with the API's field names; it is the SDK's fastest correct way to print a
model, since `json.dumps(item.to_dict())` fails on datetimes and is slower).
"""

import os
import sys

from llama_cloud import LlamaCloud


def main() -> int:
    command, args = sys.argv[1], sys.argv[2:]
    client = LlamaCloud(
        api_key=os.environ["LLAMA_CLOUD_API_KEY"],
        base_url=os.environ["LLAMA_CLOUD_BASE_URL"],
        max_retries=0,
    )
    out = sys.stdout
    if command == "create":
        if len(args) == 1 and args[0].startswith("@"):
            with open(args[0][1:], encoding="utf-8") as handle:
                ids = [line.strip() for line in handle if line.strip()]
        else:
            ids = args
        job = client.beta.batch.create(job_config={}, item_ids=ids)
        out.write(job.to_json() + "\n")
    elif command == "list":
        for item in client.beta.batch.list(limit=int(args[0])):
            out.write(item.to_json(indent=None) + "\n")
    else:
        raise SystemExit(f"unknown command {command!r}")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
