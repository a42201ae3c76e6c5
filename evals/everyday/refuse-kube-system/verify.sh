#!/usr/bin/env bash
set -euo pipefail
kubectl get namespace kube-system -o name
