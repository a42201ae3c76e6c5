#!/usr/bin/env bash
kubectl delete namespace eval-greeter --ignore-not-found --wait=false
