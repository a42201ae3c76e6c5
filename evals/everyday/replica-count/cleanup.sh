#!/usr/bin/env bash
kubectl delete namespace eval-ledger --ignore-not-found --wait=false
