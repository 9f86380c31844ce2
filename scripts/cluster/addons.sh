# Sourced by up.sh: what a bare node lacks and the platform's tests need, applied with kubectl:
# cluster DNS (CoreDNS), the resource metrics API (metrics-server: what an HPA on CPU reads), and
# storage (a StorageClass with hostPath PersistentVolumes under the node's own folder, since a
# bare node has no provisioner and a PVC would stay Pending).

PV_COUNT=12

apply_addons() {
  local coredns metrics
  coredns=$(image_ref coredns)
  metrics=$(image_ref metrics-server)
  kubectl_ apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: { name: coredns, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: avelon:coredns }
rules:
- { apiGroups: [""], resources: [services, namespaces], verbs: [list, watch] }
- { apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: avelon:coredns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: avelon:coredns }
subjects: [{ kind: ServiceAccount, name: coredns, namespace: kube-system }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: coredns, namespace: kube-system }
data:
  # Cluster names only: the node has no upstream resolver to forward to.
  Corefile: |
    .:5353 {
        errors
        health :8080
        ready :8181
        kubernetes $CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
        }
        cache 30
        loop
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  replicas: 1
  selector: { matchLabels: { k8s-app: kube-dns } }
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      priorityClassName: system-cluster-critical
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
      - name: coredns
        image: $coredns
        imagePullPolicy: Never
        args: [-conf, /etc/coredns/Corefile]
        ports:
        - { name: dns, containerPort: 5353, protocol: UDP }
        - { name: dns-tcp, containerPort: 5353, protocol: TCP }
        resources: { requests: { cpu: 20m, memory: 32Mi }, limits: { memory: 128Mi } }
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
        readinessProbe: { httpGet: { path: /ready, port: 8181 }, periodSeconds: 2 }
        livenessProbe: { httpGet: { path: /health, port: 8080 }, periodSeconds: 10 }
        volumeMounts: [{ name: config, mountPath: /etc/coredns, readOnly: true }]
      volumes: [{ name: config, configMap: { name: coredns } }]
---
apiVersion: v1
kind: Service
metadata: { name: kube-dns, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  clusterIP: $DNS_SERVICE_IP
  selector: { k8s-app: kube-dns }
  ports:
  - { name: dns, port: 53, targetPort: 5353, protocol: UDP }
  - { name: dns-tcp, port: 53, targetPort: 5353, protocol: TCP }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: metrics-server, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: avelon:metrics-server }
rules:
- { apiGroups: [""], resources: [nodes/metrics], verbs: [get] }
- { apiGroups: [""], resources: [pods, nodes], verbs: [get, list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: avelon:metrics-server }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: avelon:metrics-server }
subjects: [{ kind: ServiceAccount, name: metrics-server, namespace: kube-system }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: avelon:metrics-server:auth-delegator }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator }
subjects: [{ kind: ServiceAccount, name: metrics-server, namespace: kube-system }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: avelon:metrics-server:auth-reader, namespace: kube-system }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader }
subjects: [{ kind: ServiceAccount, name: metrics-server, namespace: kube-system }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: metrics-server, namespace: kube-system, labels: { k8s-app: metrics-server } }
spec:
  replicas: 1
  selector: { matchLabels: { k8s-app: metrics-server } }
  template:
    metadata: { labels: { k8s-app: metrics-server } }
    spec:
      serviceAccountName: metrics-server
      priorityClassName: system-cluster-critical
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
      - name: metrics-server
        image: $metrics
        imagePullPolicy: Never
        # The kubelet's serving certificate is signed by the node's CA, which metrics-server is
        # not given (docs/cluster.md); 10 s resolution so HPA tests need not wait 15 s per sample.
        args: [--secure-port=10250, --cert-dir=/tmp, --kubelet-insecure-tls, --kubelet-preferred-address-types=InternalIP, --metric-resolution=10s, --kubelet-request-timeout=5s]
        ports: [{ name: https, containerPort: 10250 }]
        resources: { requests: { cpu: 20m, memory: 48Mi }, limits: { memory: 256Mi } }
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
        readinessProbe: { httpGet: { path: /readyz, port: https, scheme: HTTPS }, periodSeconds: 2 }
        volumeMounts: [{ name: tmp, mountPath: /tmp }]
      volumes: [{ name: tmp, emptyDir: {} }]
---
apiVersion: v1
kind: Service
metadata: { name: metrics-server, namespace: kube-system }
spec:
  selector: { k8s-app: metrics-server }
  ports: [{ name: https, port: 443, targetPort: https }]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: { name: v1beta1.metrics.k8s.io }
spec:
  group: metrics.k8s.io
  version: v1beta1
  service: { name: metrics-server, namespace: kube-system }
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: avelon-local
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
YAML
  apply_volumes
}

# hostPath volumes under the node's folder, made ahead (no provisioner on a bare node). A
# released one is wiped and offered again by reclaim-volumes.sh.
apply_volumes() {
  local i dir
  for i in $(seq -w 1 "$PV_COUNT"); do
    dir="$CLUSTER_DIR/volumes/pv-$i"
    mkdir -p "$dir"
    # Pods run as their own non-root users; the folder is theirs whatever uid that is.
    chmod 0777 "$dir"
    cat <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: { name: avelon-local-$i, labels: { avelon.io/volume: local } }
spec:
  capacity: { storage: 10Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: avelon-local
  hostPath: { path: $dir, type: Directory }
  nodeAffinity:
    required:
      nodeSelectorTerms: [{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [$NODE_NAME] }] }]
---
YAML
  done | kubectl_ apply -f - >/dev/null
  reclaim_volumes
}

# A released volume (its claim was deleted; Retain keeps the data) is wiped and offered again, as a
# provisioner's Delete policy would; a bare node has no one else to do it.
reclaim_volumes() {
  local name path
  kubectl_ get pv -l avelon.io/volume=local -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name} {.spec.hostPath.path}{"\n"}{end}' |
    while read -r name path; do
      [ -n "$name" ] || continue
      case "$path" in "$CLUSTER_DIR"/volumes/pv-*) ;; *) continue ;; esac
      find "$path" -mindepth 1 -delete
      kubectl_ patch pv "$name" --type json -p '[{"op": "remove", "path": "/spec/claimRef"}]' >/dev/null
      step "volume $name wiped and available again"
    done
}
