/// Cross-cutting rules over the whole `Site`: names, uniqueness, membership and roles.
/// Every rule reports into the same collector, so one run shows every problem.
struct SiteValidator {
    var diagnostics = Diagnostics()
    let site: Site
    /// Values inherited from `defaults` are shared by many hosts: each is checked once, by place.
    private var checkedValues = Set<SourceLocation>()

    init(site: Site) { self.site = site }

    mutating func run() {
        checkNetworks()
        checkHosts()
        checkUniqueness()
        checkRoles()
        checkAddresses()
        checkDHCP()
        checkK3s()
    }

    // MARK: Hosts

    private mutating func checkHosts() {
        for host in site.hosts {
            let name = host.name
            if let problem = DNSName.labelProblem(Substring(name.value)) {
                diagnostics.error("host name '\(name.value)' \(problem)", at: name.location)
            } else if name.value != name.value.lowercased() {
                diagnostics.error("host name '\(name.value)' must be lowercase (Kubernetes node names are)", at: name.location)
            } else if name.value.utf8.count + 1 + site.domain.value.utf8.count > 253 {
                diagnostics.error("'\(name.value).\(site.domain.value)' is longer than 253 characters", at: name.location)
            }
            let disk = host.installDisk
            if firstCheck(of: disk.location),
               !disk.value.hasPrefix("/dev/") || disk.value.count <= 5 || disk.value.contains(where: \.isWhitespace) {
                diagnostics.error("install disk '\(disk.value)' must be a device path under /dev/",
                                  at: disk.location)
            }
            if firstCheck(of: host.user.location), !isUserName(host.user.value) {
                diagnostics.error("'\(host.user.value)' is not a valid user name", at: host.user.location)
            }
            for key in host.sshAuthorizedKeys where firstCheck(of: key.location) {
                if let problem = SSHKey.problem(in: key.value) {
                    diagnostics.error(problem, at: key.location)
                }
            }
            if let tz = host.timezone, firstCheck(of: tz.location), let problem = TimeZoneNames.problem(tz.value) {
                diagnostics.error(problem, at: tz.location)
            }
            var roles: [Role: SourceLocation] = [:]
            for role in host.roles {
                if let first = roles[role.value] {
                    diagnostics.error("role '\(role.value.rawValue)' is listed twice for host '\(name.value)'", at: role.location,
                                      notes: [Diagnostic.Note("first listed here", at: first)])
                }
                roles[role.value] = roles[role.value] ?? role.location
            }
            for label in host.labels where !isLabelValue(label.value.value) {
                diagnostics.error("label value '\(label.value.value)' must be at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit",
                                  at: label.location)
            }
            checkNICs(of: host)
        }
    }

    private mutating func checkNICs(of host: Host) {
        var pinned: [String: SourceLocation] = [:]
        for nic in host.nics {
            if let name = nic.name {
                if let problem = Names.interfaceNameProblem(name.value) {
                    diagnostics.error("interface name '\(name.value)' \(problem)", at: name.location)
                } else if let first = pinned[name.value] {
                    diagnostics.error("interface name '\(name.value)' is pinned twice on host '\(host.name.value)'",
                                      at: name.location, notes: [Diagnostic.Note("first pinned here", at: first)])
                } else if Names.isKernelInterfaceName(name.value) {
                    // systemd.link(5) and dracut: a name the kernel may give another NIC at boot races with it.
                    let instead = Names.interfaceNameProblem(nic.network.value + "0") == nil ? nic.network.value + "0" : "lan0"
                    diagnostics.warning("interface name '\(name.value)' is in the kernel's own 'ethN' namespace: another NIC may be given it at boot, and the rename then fails or races (systemd.link(5)); pin a name such as '\(instead)'",
                                        at: name.location)
                }
                pinned[name.value] = pinned[name.value] ?? name.location
            }
            guard let network = site.network(named: nic.network.value) else {
                var message = "network '\(nic.network.value)' is not declared under 'networks'"
                if let suggestion = Spelling.suggestion(for: nic.network.value, among: site.networks.map(\.name.value)) {
                    message += "; did you mean '\(suggestion)'?"
                }
                diagnostics.error(message, at: nic.network.location)
                continue
            }
            guard let address = nic.address else { continue }
            let a = address.value
            let cidr = network.cidr.value
            if !cidr.contains(a) {
                diagnostics.error("address \(a) is outside network '\(network.name.value)' (\(cidr))", at: address.location,
                                  notes: [Diagnostic.Note("network '\(network.name.value)' declared here", at: network.cidr.location)])
            } else if cidr.prefixLength < 31 && a == cidr.address {
                diagnostics.error("address \(a) is the network address of \(cidr)", at: address.location)
            } else if cidr.prefixLength < 31 && a == cidr.broadcast {
                diagnostics.error("address \(a) is the broadcast address of \(cidr)", at: address.location)
            } else if let gateway = network.gateway, gateway.value == a {
                diagnostics.error("address \(a) is the gateway of network '\(network.name.value)'", at: address.location,
                                  notes: [Diagnostic.Note("gateway declared here", at: gateway.location)])
            } else if let range = network.libvirt?.dhcpRange, range.start.value <= a, a <= range.end.value {
                diagnostics.error("address \(a) is inside the DHCP range \(range.start.value)-\(range.end.value) of network '\(network.name.value)'",
                                  at: address.location, notes: [Diagnostic.Note("DHCP range declared here", at: range.start.location)])
            }
        }
        checkDefaultRoute(of: host)
    }

    /// A host may have its default route through one gateway network only.
    private mutating func checkDefaultRoute(of host: Host) {
        let routed = host.nics.filter { nic in
            site.network(named: nic.network.value)?.gateway != nil && nic.defaultRoute?.value != false
        }
        guard routed.count > 1 else { return }
        let first = routed[0]
        for nic in routed.dropFirst() {
            diagnostics.error(
                "host '\(host.name.value)' would get a second default route through network '\(nic.network.value)'; set 'default_route: false' on all but one NIC on a network with a gateway",
                at: nic.network.location,
                notes: [Diagnostic.Note("first default route through network '\(first.network.value)'", at: first.network.location)])
        }
    }

    /// True the first time a value at `location` is checked.
    private mutating func firstCheck(of location: SourceLocation) -> Bool {
        checkedValues.insert(location).inserted
    }

    private func isUserName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLowercase), name.utf8.count <= 32 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    private func isLabelValue(_ value: String) -> Bool {
        if value.isEmpty { return true }
        guard value.utf8.count <= 63, let first = value.first, let last = value.last,
              first.isASCII && (first.isLetter || first.isNumber), last.isASCII && (last.isLetter || last.isNumber) else { return false }
        return value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    // MARK: Roles

    private mutating func checkRoles() {
        // Counting roles the front-end could not read would report problems that are not there.
        guard !site.hosts.isEmpty, site.hosts.allSatisfy(\.rolesComplete) else { return }
        let anchor = site.hosts.first?.location
        if !site.hosts.contains(where: { $0.has(.controlPlane) }) {
            diagnostics.error("no host has the role 'control-plane'; the cluster needs at least one", at: anchor)
        }
        // k3s servers embed etcd: their count is checked with the other k3s rules.
        guard !site.isK3s else { return }
        let etcd = site.hosts.filter { $0.has(.etcd) }
        if etcd.isEmpty {
            diagnostics.error("no host has the role 'etcd'; the cluster needs at least one", at: anchor)
        } else if etcd.count % 2 == 0 {
            // Kubespray's validate_inventory stops on an even etcd group; so does igncc, before the playbook.
            diagnostics.error(
                "\(etcd.count) hosts have the role 'etcd'; an even number tolerates no more failures than one fewer (use an odd number for quorum)",
                at: etcd.last?.location)
        }
    }
}
