#!/bin/bash
kubectl delete namespace scale-test
