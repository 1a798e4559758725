#!/usr/bin/env bash
# Quick start on a fresh machine: install into .venv, start the bundled emulator, create a
# batch job against it and wait for the job to finish. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/llamacloud-prod ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet .
fi
export PATH="$PWD/.venv/bin:$PATH"

PORT="${PORT:-4010}"
llamacloud-prod emulator --port "$PORT" --item-seconds 0.3 --quiet &
EMULATOR=$!
trap 'kill $EMULATOR 2>/dev/null || true' EXIT

export LLAMA_CLOUD_BASE_URL="http://127.0.0.1:$PORT" LLAMA_CLOUD_API_KEY=local
set -x
# Connection refused while the emulator starts is retried: the create cannot have been sent.
llamacloud-prod beta:batch create \
    --job-config '{job_name: parse_raw_file_job, parameters: {parse_mode: parse_page_with_llm, max_pages: 5}}' \
    --item-id '[invoice-001.pdf, invoice-002.pdf, contract-003.pdf]' \
    --wait --poll-interval 0.5
