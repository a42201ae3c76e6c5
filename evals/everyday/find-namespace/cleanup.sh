#!/usr/bin/env bash
kubectl delete namespace eval-billing --ignore-not-found --wait=false
