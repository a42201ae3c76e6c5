#!/usr/bin/env bash
set -euo pipefail
kubectl get jobs -n ai-agents -l binks.dev/agent-type=deployment-verifier -o name | grep -q .
