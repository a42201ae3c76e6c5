#!/usr/bin/env bash
kubectl delete jobs -n ai-agents -l binks.dev/agent-type=code-reviewer --ignore-not-found
kubectl delete namespace eval-review --ignore-not-found --wait=false
