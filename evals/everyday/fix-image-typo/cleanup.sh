#!/usr/bin/env bash
kubectl delete namespace eval-store2 --ignore-not-found --wait=false
