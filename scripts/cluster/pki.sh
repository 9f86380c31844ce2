# Sourced by up.sh: the node's certificates and kubeconfigs, made once and kept under $PKI.
# One CA signs every serving and client certificate; a second one (front-proxy) is the
# aggregation layer's, which metrics-server's API needs. Each component has its own identity, so
# RBAC and the Node authorizer see what a real cluster's components are.

pki_issue() { # NAME CN ORG KIND(client|server) SANS(comma list or "") [CA]
  local name=$1 cn=$2 org=$3 kind=$4 sans=$5 ca=${6:-ca} subj
  [ -s "$PKI/$name.crt" ] && return 0
  subj="/CN=$cn"
  [ -n "$org" ] && subj="/O=$org$subj"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ "$kind" = server ]; then echo "extendedKeyUsage=serverAuth"; else echo "extendedKeyUsage=clientAuth"; fi
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } >"$PKI/$name.ext"
  openssl req -new -nodes -newkey rsa:2048 -keyout "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

pki_ca() { # NAME CN
  [ -s "$PKI/$1.crt" ] && return 0
  openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 -keyout "$PKI/$1.key" -out "$PKI/$1.crt" \
    -subj "/CN=$2" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
}

kubeconfig_for() { # NAME (a client certificate in $PKI) OUT SERVER
  cat >"$2" <<KC
apiVersion: v1
kind: Config
clusters:
- name: avelon
  cluster:
    server: $3
    certificate-authority: $PKI/ca.crt
users:
- name: $1
  user:
    client-certificate: $PKI/$1.crt
    client-key: $PKI/$1.key
contexts:
- name: avelon
  context: {cluster: avelon, user: $1}
current-context: avelon
KC
}

make_pki() {
  local server="https://$NODE_IP:$APISERVER_PORT"
  mkdir -p "$PKI" "$CLUSTER_DIR/config"
  chmod 700 "$PKI"
  if [ ! -s "$PKI/ca.crt" ]; then step "making certificates (once) in $PKI"; fi
  pki_ca ca avelon-cluster-ca
  pki_ca front-proxy-ca avelon-front-proxy-ca
  pki_issue apiserver kube-apiserver "" server \
    "IP:$NODE_IP,IP:127.0.0.1,IP:$KUBE_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN"
  pki_issue apiserver-kubelet-client kube-apiserver-kubelet-client system:masters client ""
  pki_issue front-proxy-client front-proxy-client "" client "" front-proxy-ca
  pki_issue kubelet-server "$NODE_NAME" "" server "IP:$NODE_IP,DNS:$NODE_NAME"
  pki_issue admin avelon-admin system:masters client ""
  pki_issue kubelet "system:node:$NODE_NAME" system:nodes client ""
  pki_issue controller-manager system:kube-controller-manager "" client ""
  pki_issue scheduler system:kube-scheduler "" client ""
  pki_issue kube-proxy system:kube-proxy "" client ""
  if [ ! -s "$PKI/sa.key" ]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  chmod 600 "$PKI"/*.key
  kubeconfig_for admin "$KUBECONFIG_ADMIN" "$server"
  local who
  for who in kubelet controller-manager scheduler kube-proxy; do
    kubeconfig_for "$who" "$CLUSTER_DIR/config/$who.kubeconfig" "$server"
  done
}
