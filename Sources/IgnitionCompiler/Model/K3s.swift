/// Which Kubernetes distribution the site's hosts run: what `kubernetes.distribution` says.
public enum Distribution: String, Sendable, CaseIterable {
    /// Kubespray installs Kubernetes over SSH after the first boot (the default).
    case kubespray
    /// Every node's Ignition installs and configures k3s: control planes are k3s servers
    /// (embedded etcd), workers are agents.
    case k3s
}

/// A k3s node's settings as written in site.yaml (`kubernetes.k3s.config`, `roles.<role>.k3s`,
/// `hosts.<h>.k3s`): keys of k3s's config.yaml (its flags without `--`), values kept as written.
public typealias K3sConfig = [(key: Located<String>, value: ConfigValue)]

/// `kubernetes.k3s`: the k3s release the nodes install, where its files come from, the cluster
/// token's file and the settings of every node.
public struct K3sSettings: Sendable {
    /// The k3s release, such as `v1.33.4+k3s1`.
    public var version: Located<String>
    /// The k3s binary Fedora CoreOS hosts fetch; nil means the default URL under `serve.base_url`.
    public var binary: K3sArtifact?
    /// The k3s system extension Flatcar hosts fetch; nil means the default URL under `serve.base_url`.
    public var sysext: K3sArtifact?
    /// The cluster token's file, relative to site.yaml; nil means `k3s-token`.
    public var tokenFile: Located<String>?
    /// `config`: settings of every node (server-only ones go to the servers only).
    public var config: K3sConfig = []
    /// `roles.<role>.k3s`, in source order.
    public var roleConfigs: [(role: Located<Role>, config: K3sConfig)] = []
    /// Where `kubernetes.k3s` is.
    public var location: SourceLocation

    public static let defaultTokenFile = "k3s-token"

    /// The settings `roles.<role>.k3s` gives, if any.
    public func config(of role: Role) -> K3sConfig? {
        roleConfigs.first { $0.role.value == role }?.config
    }
}

/// A file a k3s node fetches at first boot: `url` (nil means the default under `serve.base_url`)
/// and its SHA-256 (nil means hashed at build time from `igncc build --assets`).
public struct K3sArtifact: Sendable {
    public var url: Located<String>?
    public var sha256: Located<String>?
    public var location: SourceLocation
}

extension Kubernetes {
    /// True when the site's nodes run k3s.
    public var isK3s: Bool { distribution?.value == .k3s }
}

extension Site {
    /// True when the site's nodes run k3s.
    public var isK3s: Bool { kubernetes?.isK3s ?? false }
}

extension Host {
    /// With k3s, a control-plane host is a k3s server (it runs an agent too); the others are agents.
    public var isK3sServer: Bool { has(.controlPlane) }
}
