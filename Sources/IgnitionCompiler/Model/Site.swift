/// The typed intermediate representation of a site: what every backend reads.
///
/// Built by the front-end from `site.yaml` with defaults applied, then checked by
/// `SiteValidator`. Fields that diagnostics point at keep their source location.
public struct Site: Sendable {
    public var version: Int
    public var name: Located<String>
    public var domain: Located<String>
    public var networks: [Network]
    public var hosts: [Host]
    public var kubernetes: Kubernetes?
    public var dns: DNSConfig?
    public var serve: Serve?
    /// The directory the site file is in, for snippet paths relative to it.
    public var baseDirectory: String
    /// Each host's Ignition config with its Butane snippets merged, by host name: made by
    /// `SnippetStage` for hosts with snippets once the site is valid, and by `Compiler.build` for
    /// the others before the backends run.
    package var mergedConfigs: [String: ConfigNode] = [:]

    public func network(named name: String) -> Network? {
        networks.first { $0.name.value == name }
    }
}

public enum OperatingSystem: String, Sendable, CaseIterable {
    case fcos
    case flatcar
}

/// The Ignition config spec version a host's config is written in: the stable specs from 3.3.0
/// (older ones are for reading; experimental ones are never generated).
public enum IgnitionSpec: String, Sendable, CaseIterable, Comparable {
    case v3_3_0 = "3.3.0"
    case v3_4_0 = "3.4.0"
    case v3_5_0 = "3.5.0"
    case v3_6_0 = "3.6.0"

    /// 3.4.0: the newest spec both fcos and flatcar have a Butane spec for (flatcar 1.1.0), and
    /// one that images with an Ignition older than 2.26 (the first to take 3.6.0) still read.
    public static let `default` = IgnitionSpec.v3_4_0

    public static func < (a: IgnitionSpec, b: IgnitionSpec) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum Role: String, Sendable, CaseIterable {
    case controlPlane = "control-plane"
    case etcd
    case worker
    /// A Calico BGP route reflector: Kubespray's `calico_rr` group, part of `k8s_cluster`.
    case calicoRR = "calico-rr"
    /// The SSH jump host Ansible reaches the other hosts through: Kubespray's `bastion` group.
    case bastion

    /// A role as site.yaml may spell it: igncc's names, or Kubespray's group names, current
    /// (`kube_control_plane`, `kube_node`, `calico_rr`) and old (`kube-master`, `kube-node`).
    public init?(spelling: String) {
        switch spelling {
        case "control-plane", "kube_control_plane", "kube-master": self = .controlPlane
        case "etcd": self = .etcd
        case "worker", "kube_node", "kube-node": self = .worker
        case "calico-rr", "calico_rr": self = .calicoRR
        case "bastion": self = .bastion
        default: return nil
        }
    }

    /// Kubespray's `k8s_cluster`: the hosts that run a kubelet (control planes, workers, route reflectors).
    public var isClusterNode: Bool { self != .etcd && self != .bastion }

    /// Why `spelling` is not a role, when it names a Kubespray group that is not one.
    static func groupProblem(_ spelling: String) -> String? {
        guard ["k8s_cluster", "k8s-cluster"].contains(spelling) else { return nil }
        return "'\(spelling)' is Kubespray's group of all control-plane, worker and route-reflector hosts, not a role; list 'control-plane' and/or 'worker'"
    }
}

public struct Host: Sendable {
    public var name: Located<String>
    public var os: Located<OperatingSystem>
    public var installDisk: Located<String>
    public var user: Located<String>
    public var sshAuthorizedKeys: [Located<String>]
    public var timezone: Located<String>?
    /// Butane snippets in merge order: defaults, then each role's in the host's role order, then the host's.
    public var butane: [ButaneSnippet]
    public var roles: [Located<Role>]
    /// False when some of the host's roles could not be read (already reported): site-wide
    /// role counts would then report a problem that is not there.
    package var rolesComplete = true
    /// False when some of the host's NICs, or their addresses, could not be read (already
    /// reported): "no static address" would then be a problem that is not there.
    package var nicsComplete = true
    public var labels: [Located<KeyValue>]
    /// `vars`: Ansible variables of this host alone (its host_vars), as written.
    public var vars: AnsibleVars = []
    public var nics: [NIC]
    public var vm: VMSizing
    public var ignitionVersion: Located<IgnitionSpec>
    /// Where the host's key is.
    public var location: SourceLocation
    /// `kernel_args`: the host's own live kernel arguments, replacing `serve.kernel_args`; nil
    /// when the host has none of its own (see `liveKernelArguments(in:)`).
    public var kernelArgs: [Located<String>]? = nil
    /// `k3s`: the host's own k3s settings, laid over the site's and its roles' (k3s sites only).
    public var k3s: K3sConfig = []

    public func has(_ role: Role) -> Bool { roles.contains { $0.value == role } }

    /// In Kubespray's `k8s_cluster`: a control plane, worker or route reflector.
    public var isClusterNode: Bool { roles.contains { $0.value.isClusterNode } }

    /// What the host's iPXE script adds to the live kernel's command line: its own
    /// `kernel_args`, else the site's `serve.kernel_args`.
    public func liveKernelArguments(in site: Site) -> [Located<String>] {
        kernelArgs ?? site.serve?.kernelArgs ?? []
    }
}

/// Ansible variables of site.yaml (`kubernetes.vars`, `kubernetes.all_vars`, a host's `vars`),
/// in source order, each value kept as written (see `ConfigValue`).
public typealias AnsibleVars = [(key: Located<String>, value: ConfigValue)]

public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String
}

public struct NIC: Sendable {
    public var mac: Located<MACAddress>
    /// The interface name pinned to the MAC, if any.
    public var name: Located<String>?
    public var network: Located<String>
    /// A static address; `nil` means DHCP.
    public var address: Located<IPv4Address>?
    /// `false` keeps a gateway network from installing a default route through this NIC.
    public var defaultRoute: Located<Bool>?
    public var location: SourceLocation

    /// The connection's name in generated files: the pinned name, else network and MAC suffix.
    public var connectionName: String {
        if let name { return name.value }
        return network.value + "-" + mac.value.compact
    }
}

public struct VMSizing: Sendable, Equatable {
    public var memoryMiB: Int = 4096
    public var vcpus: Int = 2
    public var diskGiB: Int = 20
    /// The OS image a lab VM's disk is an overlay of (an absolute path); nil means the libvirt
    /// backend's default for the host's OS.
    public var image: Located<String>?
}

public struct Network: Sendable {
    public var name: Located<String>
    public var cidr: Located<IPv4Network>
    public var gateway: Located<IPv4Address>?
    public var dns: [Located<IPv4Address>]
    public var search: [Located<String>]
    public var libvirt: LibvirtNetwork?
    public var location: SourceLocation
    /// `dhcp`: the network's DHCP (and PXE) service, written by the `dnsmasq` and `kea` targets.
    public var dhcp: DHCPService? = nil
}

public struct LibvirtNetwork: Sendable {
    /// `bridge` attaches the VMs to an existing host bridge (`bridge` names it): libvirt gives
    /// the lab host no address there and serves no DHCP.
    public enum Mode: String, Sendable, CaseIterable { case nat, route, isolated, bridge }
    public var mode: Located<Mode>
    public var bridge: Located<String>?
    public var dhcpRange: (start: Located<IPv4Address>, end: Located<IPv4Address>)?
    /// The lab host's address on the bridge; nil means the default (the gateway, else the first
    /// free address: see InventoryGen's `LibvirtLab.hostAddress`).
    public var address: Located<IPv4Address>? = nil
}

public struct Kubernetes: Sendable {
    /// `distribution`; nil means Kubespray.
    public var distribution: Located<Distribution>? = nil
    /// `k3s`: with `distribution: k3s`, the k3s release and the nodes' settings.
    public var k3s: K3sSettings? = nil
    public var version: Located<String>?
    public var clusterName: Located<String>?
    public var networkPlugin: Located<String>?
    public var containerManager: Located<String>?
    public var podsCIDR: Located<IPv4Network>?
    public var servicesCIDR: Located<IPv4Network>?
    /// The network whose address is each node's `ip`; defaults to the first NIC's.
    public var nodeNetwork: Located<String>?
    public var api: API?
    /// `vars`: passed through to Kubespray's group_vars/k8s_cluster, in source order.
    public var vars: AnsibleVars
    /// `all_vars`: passed through to group_vars/all (every host, etcd-only and bastion too).
    public var allVars: AnsibleVars = []

    public struct API: Sendable {
        public var name: Located<String>
        public var vip: Located<IPv4Address>?
        /// More addresses the API name resolves to, after the VIP (or the control planes' node
        /// addresses): in its A record set and in the certificates' SANs.
        public var extraAddresses: [Located<IPv4Address>] = []
        /// Who answers on the VIP; nil means kube-vip when there is a VIP.
        public var provider: Located<VIPProvider>?
        /// How kube-vip announces the VIP; nil means ARP.
        public var mode: Located<VIPMode>?
        /// kube-vip's BGP settings, with `mode: bgp`.
        public var bgp: BGP?

        public enum VIPProvider: String, Sendable, CaseIterable {
            /// Kubespray runs kube-vip on the control planes, which holds the VIP.
            case kubeVIP = "kube-vip"
            /// A load balancer outside the site answers on the VIP.
            case external
        }

        public enum VIPMode: String, Sendable, CaseIterable { case arp, bgp }

        public struct BGP: Sendable {
            /// The control planes' own AS number.
            public var localAS: Located<Int>
            public var peers: [Peer]
            public var location: SourceLocation

            public struct Peer: Sendable {
                public var address: Located<IPv4Address>
                public var remoteAS: Located<Int>
                public var password: Located<String>?
                public var multihop: Located<Bool>?
            }
        }

        /// kube-vip when the site has a VIP and names no other provider.
        public var runsKubeVIP: Bool { vip != nil && (provider?.value ?? .kubeVIP) == .kubeVIP }
        public var effectiveMode: VIPMode { mode?.value ?? .arp }
    }
}

public struct DNSConfig: Sendable {
    public var ttl: Located<Int>?
    public var email: Located<String>?
    public var nameservers: [Located<String>]
    public var records: [DNSRecord]
    public var reverse: Bool
    /// Where the `dns` section is.
    public var location: SourceLocation
}

public struct DNSRecord: Sendable {
    public enum RecordType: String, Sendable, CaseIterable { case A, AAAA, CNAME, TXT, SRV, MX }
    public var name: Located<String>
    public var type: Located<RecordType>
    public var value: Located<String>
    public var ttl: Located<Int>?
    public var location: SourceLocation
}

public struct Serve: Sendable {
    public var baseURL: Located<String>?
    /// Where iPXE fetches each OS's boot images; a missing one is the default under
    /// `<base_url>/assets/` (see `InstallPlan.defaultImagePaths`).
    public var images = Images()
    /// `kernel_args`: appended to the live kernel's command line of every host's iPXE script
    /// (a host's own `kernel_args` replace them), in order.
    public var kernelArgs: [Located<String>] = []
    /// Where the `serve` section is.
    public var location: SourceLocation?

    public struct Images: Sendable {
        public var fcos = OSImages()
        public var flatcar = OSImages()

        public func of(_ os: OperatingSystem) -> OSImages {
            switch os {
            case .fcos: return fcos
            case .flatcar: return flatcar
            }
        }
    }

    /// Each an http(s) URL or a path relative to `base_url`; Flatcar has no rootfs.
    public struct OSImages: Sendable {
        public var kernel: Located<String>?
        public var initramfs: Located<String>?
        public var rootfs: Located<String>?
    }
}

/// A value of site.yaml's Ansible variables (`AnsibleVars`), kept as it was written so that Ansible reads in igncc's output
/// what it would read in the user's own text: each scalar's text, quoting style and tag (`!vault`
/// blocks byte for byte, `!unsafe` kept), each key as its own scalar, in source order. Aliases
/// and merge keys are expanded (the meaning Ansible gives them).
public indirect enum ConfigValue: Sendable, Equatable {
    case scalar(ConfigScalar)
    case list([ConfigValue], tag: String?)
    case map([KeyedValue], tag: String?)

    public struct KeyedValue: Sendable, Equatable {
        public var key: ConfigScalar
        public var value: ConfigValue

        public init(key: ConfigScalar, value: ConfigValue) {
            self.key = key
            self.value = value
        }
    }

    /// What Ansible reads when the value is a scalar; nil for a collection.
    public var resolved: AnsibleScalar? {
        if case .scalar(let scalar) = self { return scalar.resolved }
        return nil
    }
}

/// One scalar of site.yaml's Ansible variables as written.
public struct ConfigScalar: Sendable, Equatable {
    public enum Style: Sendable, Equatable { case plain, singleQuoted, doubleQuoted, literal, folded }

    public var text: String
    public var style: Style
    /// The tag as the YAML parser resolved it (`!vault`, `!unsafe`, `tag:yaml.org,2002:str`), or nil.
    public var tag: String?

    public init(_ text: String, style: Style = .plain, tag: String? = nil) {
        self.text = text
        self.style = style
        self.tag = tag
    }

    /// What Ansible's YAML reader (PyYAML: YAML 1.1 resolution, Ansible's own tags) makes of it.
    public var resolved: AnsibleScalar {
        switch tag {
        case nil: return style == .plain ? YAML11.resolve(text) : .string(text)
        case "!vault", "!vault-encrypted": return .encrypted
        case "!unsafe": return .unsafe(text)
        case YAML11.tag("str"): return .string(text)
        case YAML11.tag("null"): return .null
        case YAML11.tag("bool"): return YAML11.bool(text).map(AnsibleScalar.bool) ?? .string(text)
        case YAML11.tag("int"): return YAML11.int(text).map(AnsibleScalar.int) ?? .string(text)
        case YAML11.tag("float"): return .float(text)
        default: return .string(text)
        }
    }
}

/// A scalar as Ansible holds it once read.
public enum AnsibleScalar: Sendable, Hashable {
    case null
    case bool(Bool)
    /// nil when the integer does not fit 64 bits (Python's ints do).
    case int(Int?)
    case float(String)
    /// A YAML 1.1 date or time (Python's `date`/`datetime`).
    case timestamp(String)
    case string(String)
    /// `!unsafe`: a string Ansible never templates.
    case unsafe(String)
    /// `!vault`: decrypted by Ansible, opaque to igncc.
    case encrypted

    /// The string when the value is a plain (or unsafe) string.
    public var string: String? {
        switch self {
        case .string(let s), .unsafe(let s): return s
        default: return nil
        }
    }
}

/// A Butane snippet of site.yaml: in `defaults`, in a role of `roles`, or in a host; written inline
/// (a mapping, or text) or as a path to a `.bu`/`.yaml` file beside site.yaml.
public struct ButaneSnippet: Sendable {
    public enum Origin: Sendable, Equatable {
        case defaults
        case role(Role)
        case host(String)

        var description: String {
            switch self {
            case .defaults: return "the defaults' Butane snippet"
            case .role(let role): return "the Butane snippet of role '\(role.rawValue)'"
            case .host(let name): return "the Butane snippet of host '\(name)'"
            }
        }
    }

    public var origin: Origin
    /// Where `butane:` is in site.yaml.
    public var location: SourceLocation
    /// The parsed snippet; its positions are in site.yaml (a mapping or a literal block), in the
    /// snippet's own file, or in a virtual file named after the site's position.
    package var document: YAMLNode
    /// Identifies the snippet within its site, so that each is translated once per Butane spec.
    package var id: Int
}
