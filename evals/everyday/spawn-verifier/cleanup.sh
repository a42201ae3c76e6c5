#!/usr/bin/env bash
kubectl delete jobs -n ai-agents -l binks.dev/agent-type=deployment-verifier --ignore-not-found
kubectl delete namespace eval-orders --ignore-not-found --wait=false
