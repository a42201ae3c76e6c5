#!/usr/bin/env bash
kubectl delete namespace eval-flags --ignore-not-found --wait=false
