// Command kube-apiserver is a thin wrapper around the upstream Kubernetes API
// server command (k8s.io/kubernetes/cmd/kube-apiserver). It exists so the
// Avelon Platform can build a real kube-apiserver from the Go module proxy
// (see scripts/tools/install.sh and docs/tools.md). The body mirrors
// cmd/kube-apiserver/apiserver.go of the pinned Kubernetes release.
package main

import (
	"os"
	_ "time/tzdata" // for timeZone support in CronJob

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // for JSON log format registration
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // load all the prometheus client-go plugins
	_ "k8s.io/component-base/metrics/prometheus/version"  // for version metric registration
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	command := app.NewAPIServerCommand()
	code := cli.Run(command)
	os.Exit(code)
}
