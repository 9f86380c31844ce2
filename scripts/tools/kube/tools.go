//go:build tools

// Package kube pins the Kubernetes components the test cluster runs. Nothing here is
// compiled: the blank imports make `go mod tidy` record every dependency of the
// upstream commands, which install.sh then builds directly with
// `go build k8s.io/kubernetes/cmd/<name>` (see docs/tools.md).
package kube

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	_ "k8s.io/kubernetes/cmd/kube-proxy/app"
	_ "k8s.io/kubernetes/cmd/kube-scheduler/app"
	_ "k8s.io/kubernetes/cmd/kubelet/app"
	_ "k8s.io/kubectl/pkg/cmd"
)
