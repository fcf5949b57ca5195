/// The keys of k3s's config.yaml: its documented `k3s server` and `k3s agent` flags without `--`.
///
/// From docs.k3s.io, "k3s server" (cli/server, k3s-io/docs commit 0243496) and "k3s agent"
/// (cli/agent, commit 1f023c0): their "CLI Help" listings, the v1.31/v1.32-era ones (they have
/// `--etcd-s3-proxy` and `--disable-apiserver-lb`), plus the options their tables document that
/// the listings omit (`--secrets-encryption-provider`, `--disable-agent`). `--config` is left
/// out: it names the file these keys are in.
public struct K3sFlag: Sendable, Equatable {
    /// Which nodes read the flag.
    public enum Scope: Sendable, Equatable {
        /// `k3s server` and `k3s agent` both take it (servers run an agent).
        case any
        /// `k3s server` only.
        case server
        /// `k3s agent` only.
        case agent
    }

    /// How config.yaml writes the flag's value.
    public enum Kind: Sendable, Equatable {
        /// A switch: `true` or `false`.
        case bool
        /// One value.
        case value
        /// A repeatable flag: one value or a list of them.
        case list
    }

    public var name: String
    public var kind: Kind
    public var scope: Scope

    /// The flag `name` names, if k3s documents one.
    public static func named(_ name: String) -> K3sFlag? { byName[name] }

    public static let names: [String] = all.map(\.name)

    private static let byName: [String: K3sFlag] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static let all: [K3sFlag] = {
        func flags(_ names: [String], _ kind: Kind, _ scope: Scope) -> [K3sFlag] {
            names.map { K3sFlag(name: $0, kind: kind, scope: scope) }
        }
        // Both `k3s server` and `k3s agent`.
        let common = flags(["debug", "alsologtostderr", "with-node-id", "selinux", "protect-kernel-defaults", "docker",
                            "disable-default-registry-endpoint", "nonroot-devices", "enable-pprof", "rootless",
                            "prefer-bundled-bin"], .bool, .any)
            + flags(["v", "vmodule", "log", "token", "token-file", "server", "data-dir", "node-name",
                     "image-credential-provider-bin-dir", "image-credential-provider-config", "lb-server-port",
                     "container-runtime-endpoint", "default-runtime", "image-service-endpoint", "pause-image", "snapshotter",
                     "private-registry", "bind-address", "resolv-conf", "flannel-iface", "flannel-conf", "flannel-cni-conf",
                     "vpn-auth", "vpn-auth-file"], .value, .any)
            + flags(["node-label", "node-taint", "node-ip", "node-external-ip", "node-internal-dns", "node-external-dns",
                     "kubelet-arg", "kube-proxy-arg"], .list, .any)
        let server = flags(["tls-san-security", "flannel-ipv6-masq", "flannel-external-ip", "cluster-init", "cluster-reset",
                            "etcd-expose-metrics", "etcd-disable-snapshots", "etcd-snapshot-compress", "etcd-s3",
                            "etcd-s3-skip-ssl-verify", "etcd-s3-insecure", "disable-scheduler", "disable-cloud-controller",
                            "disable-kube-proxy", "disable-network-policy", "disable-helm-controller", "embedded-registry",
                            "supervisor-metrics", "secrets-encryption", "disable-agent"], .bool, .server)
            + flags(["https-listen-port", "advertise-address", "advertise-port", "service-node-port-range", "cluster-domain",
                     "flannel-backend", "egress-selector-mode", "servicelb-namespace", "write-kubeconfig",
                     "write-kubeconfig-mode", "write-kubeconfig-group", "helm-job-image", "agent-token", "agent-token-file",
                     "cluster-reset-restore-path", "datastore-endpoint", "datastore-cafile", "datastore-certfile",
                     "datastore-keyfile", "etcd-snapshot-name", "etcd-snapshot-schedule-cron", "etcd-snapshot-retention",
                     "etcd-snapshot-dir", "etcd-s3-endpoint", "etcd-s3-endpoint-ca", "etcd-s3-access-key",
                     "etcd-s3-secret-key", "etcd-s3-bucket", "etcd-s3-region", "etcd-s3-folder", "etcd-s3-proxy",
                     "etcd-s3-config-secret", "etcd-s3-timeout", "default-local-storage-path", "system-default-registry",
                     "secrets-encryption-provider"], .value, .server)
            + flags(["tls-san", "cluster-cidr", "service-cidr", "cluster-dns", "kube-apiserver-arg", "etcd-arg",
                     "kube-controller-manager-arg", "kube-scheduler-arg", "kube-cloud-controller-manager-arg", "disable"],
                    .list, .server)
        let agent = flags(["disable-apiserver-lb"], .bool, .agent)
        return common + server + agent
    }()

    /// Keys igncc writes into every node's config.yaml itself, with the site.yaml field that
    /// decides each (site.yaml's own fields say these, so a k3s map may not).
    public static let written: [(name: String, source: String)] = [
        ("server", "the first server's address: 'kubernetes.api' (its VIP or name)"),
        ("cluster-init", "the first control-plane host in 'hosts'"),
        ("token", "the token file, 'kubernetes.k3s.token_file'"),
        ("token-file", "the token file, 'kubernetes.k3s.token_file'"),
        ("agent-token", "the token file, 'kubernetes.k3s.token_file' (one token joins servers and agents)"),
        ("agent-token-file", "the token file, 'kubernetes.k3s.token_file' (one token joins servers and agents)"),
        ("node-name", "the host's name in 'hosts'"),
        ("node-ip", "the host's address on the node network ('kubernetes.node_network')"),
        ("flannel-iface", "the pinned 'name' of the host's NIC on the node network ('kubernetes.node_network')"),
        ("cluster-cidr", "'kubernetes.pods_cidr'"),
        ("service-cidr", "'kubernetes.services_cidr'"),
        ("data-dir", "k3s's default, which the units and manifests igncc writes rely on"),
    ]
}
