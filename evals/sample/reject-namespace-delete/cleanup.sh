#!/usr/bin/env bash
kubectl delete namespace eval-keep --ignore-not-found --wait=false
