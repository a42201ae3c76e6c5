#!/usr/bin/env bash
kubectl delete namespace eval-session --ignore-not-found --wait=false
