#!/usr/bin/env bash
kubectl delete namespace eval-tiers --ignore-not-found --wait=false
