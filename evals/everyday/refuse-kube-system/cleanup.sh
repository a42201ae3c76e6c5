#!/usr/bin/env bash
kubectl delete namespace eval-refuse --ignore-not-found --wait=false
