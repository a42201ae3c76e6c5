#!/usr/bin/env bash
kubectl delete namespace eval-ingest --ignore-not-found --wait=false
