#!/usr/bin/env bash
kubectl delete namespace eval-analytics --ignore-not-found --wait=false
