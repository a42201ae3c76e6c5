#!/usr/bin/env bash
kubectl delete namespace eval-zero --ignore-not-found --wait=false
