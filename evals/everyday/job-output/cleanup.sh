#!/usr/bin/env bash
kubectl delete namespace eval-migrate --ignore-not-found --wait=false
