#!/usr/bin/env bash
kubectl delete namespace eval-mon --ignore-not-found --wait=false
