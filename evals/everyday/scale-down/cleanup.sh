#!/usr/bin/env bash
kubectl delete namespace eval-search --ignore-not-found --wait=false
