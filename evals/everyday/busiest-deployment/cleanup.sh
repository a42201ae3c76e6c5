#!/usr/bin/env bash
kubectl delete namespace eval-shop --ignore-not-found --wait=false
