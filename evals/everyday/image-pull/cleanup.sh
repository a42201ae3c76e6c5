#!/usr/bin/env bash
kubectl delete namespace eval-store --ignore-not-found --wait=false
