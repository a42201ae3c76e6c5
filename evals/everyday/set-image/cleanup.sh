#!/usr/bin/env bash
kubectl delete namespace eval-notify --ignore-not-found --wait=false
