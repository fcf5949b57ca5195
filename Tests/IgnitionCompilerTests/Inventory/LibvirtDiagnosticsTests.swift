import Testing
@testable import IgnitionCompiler
import InventoryGen

/// The libvirt target's rules, as the exact lines igncc prints: site rules (every build and
/// `igncc check`) and the problems that matter only when the libvirt target is built.
@Suite struct LibvirtDiagnosticsTests {
    /// The minimal site with `libvirt` added to network 'lan': line 14, or 13 without the gateway.
    private func withLibvirt(_ libvirt: String, gateway: Bool = true) -> String {
        var yaml = minimalSite.replacingOccurrences(of: "    dns: [192.168.1.10]\n",
                                                    with: "    dns: [192.168.1.10]\n    libvirt: \(libvirt)\n")
        if !gateway { yaml = yaml.replacingOccurrences(of: "    gateway: 192.168.1.1\n", with: "") }
        return yaml
    }

    /// The printed headlines of the libvirt target's `check`, for a site that loads cleanly.
    private func checkLines(_ yaml: String, explicit: Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String] {
        let loaded = load(yaml, backends: InventoryGen.allBackends)
        let site = try #require(loaded.compilable, sourceLocation: sourceLocation)
        let diagnostics = Compiler.check(site, targets: [.libvirt], explicit: explicit, backends: InventoryGen.allBackends)
        let renderer = DiagnosticRenderer(sources: loaded.sources)
        return diagnostics.sorted.flatMap { diagnostic in
            renderer.render(diagnostic).split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
        }
    }

    /// nat and route networks, and DHCP ranges, no longer need a gateway: the lab host takes the
    /// network's first free address on the bridge.
    @Test func noGatewayIsNeeded() {
        #expect(diagnose(withLibvirt("{mode: nat}", gateway: false)) == [])
        #expect(diagnose(withLibvirt("{mode: route}", gateway: false)) == [])
        #expect(diagnose(withLibvirt("{mode: isolated, dhcp_range: [192.168.1.100, 192.168.1.150]}", gateway: false)) == [])
        #expect(diagnose(withLibvirt("{mode: isolated}", gateway: false)) == [])
    }

    /// `libvirt.address` is a free host address of its network: located, with a note at what it
    /// collides with.
    @Test func explicitAddressRules() {
        #expect(diagnose(withLibvirt("{address: 10.0.0.1}")) == [
            "site.yaml:14:24: error: libvirt address 10.0.0.1 is outside network 'lan' (192.168.1.0/24)",
            "site.yaml:11:11: note: network 'lan' declared here",
        ])
        #expect(diagnose(withLibvirt("{address: 192.168.1.0}")) == [
            "site.yaml:14:24: error: libvirt address 192.168.1.0 is the network address of 192.168.1.0/24",
        ])
        #expect(diagnose(withLibvirt("{address: 192.168.1.255}")) == [
            "site.yaml:14:24: error: libvirt address 192.168.1.255 is the broadcast address of 192.168.1.0/24",
        ])
        #expect(diagnose(withLibvirt("{address: 192.168.1.21}")) == [
            "site.yaml:14:24: error: libvirt address 192.168.1.21 of network 'lan' is the address of host 'node1'; the lab host needs its own",
            "site.yaml:19:57: note: host 'node1' has it here",
        ])
        #expect(diagnose(withLibvirt("{address: 192.168.1.120, dhcp_range: [192.168.1.100, 192.168.1.150]}")) == [
            "site.yaml:14:24: error: libvirt address 192.168.1.120 is inside the DHCP range 192.168.1.100-192.168.1.150 of network 'lan'",
            "site.yaml:14:52: note: DHCP range declared here",
        ])
        #expect(diagnose(withLibvirt("{address: 192.168.1.100}") + "kubernetes:\n  api: {name: api, vip: 192.168.1.100}\n") == [
            "site.yaml:14:24: error: libvirt address 192.168.1.100 of network 'lan' is the API VIP; the lab host needs its own",
            "site.yaml:21:25: note: the VIP",
        ])
        #expect(diagnose(withLibvirt("{address: 192.168.1.1}")) == [])
        #expect(diagnose(withLibvirt("{address: 192.168.1.2}")) == [])
        #expect(diagnose(withLibvirt("{address: 192.168.1}")) == [
            "site.yaml:14:24: error: '192.168.1' is not an IPv4 address (for 'address')",
        ])
    }

    /// Without a gateway, a network whose every address is taken leaves the lab host none.
    @Test func noFreeAddressLeft() {
        let full = withLibvirt("{mode: nat}", gateway: false)
            .replacingOccurrences(of: "192.168.1.0/24", with: "192.168.1.20/30")
            .replacingOccurrences(of: "    dns: [192.168.1.10]\n", with: "")
            + "  node2:\n    roles: [worker]\n    nics: [{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}]\n"
        #expect(diagnose(full) == [
            "site.yaml:12:21: error: network 'lan' (192.168.1.20/30) has no free address for the lab host's bridge: libvirt mode 'nat' needs one; shrink the DHCP range or free an address",
            "site.yaml:10:3: note: network 'lan' declared here",
        ])
        #expect(diagnose(full.replacingOccurrences(of: "{mode: nat}", with: "{mode: isolated}")) == [])
    }

    /// A bridge-mode network is a host bridge libvirt does not own: it must be named, and gets no
    /// address or DHCP range from the site.
    @Test func bridgeModeRules() {
        #expect(diagnose(withLibvirt("{mode: bridge}")) == [
            "site.yaml:14:21: error: mode 'bridge' attaches the VMs to an existing bridge of the lab host: 'bridge' must name it",
        ])
        #expect(diagnose(withLibvirt("{mode: bridge, bridge: br0, address: 192.168.1.5, dhcp_range: [192.168.1.100, 192.168.1.150]}")) == [
            "site.yaml:14:51: error: 'address' does not apply to mode 'bridge': the lab host's address on that bridge is its own, not libvirt's",
            "site.yaml:14:21: note: mode 'bridge' set here",
            "site.yaml:14:76: error: 'dhcp_range' does not apply to mode 'bridge': libvirt serves no DHCP there (the real network's server does)",
            "site.yaml:14:21: note: mode 'bridge' set here",
        ])
        #expect(diagnose(withLibvirt("{mode: bridge, bridge: br0}")) == [])
        #expect(diagnose(withLibvirt("{mode: bridge, bridge: br0}", gateway: false)) == [])
    }

    /// A nat or route bridge at the gateway by default warns (once per network, with the
    /// libvirt target); writing the address down, the gateway's included, is the answer.
    @Test func natAtTheGatewayWarns() throws {
        let warning = "site.yaml:14:21: warning: nat network 'lan' puts the lab host on its bridge at the gateway's address 192.168.1.1, as the VMs' router: on a lab host that is on 'lan' too, the real router has that address; use 'mode: bridge' to join the real network, set 'libvirt.address' to another address (the VMs then have no router in the lab), or set it to 192.168.1.1 to keep it"
        #expect(try checkLines(withLibvirt("{mode: nat}"), explicit: false) == [warning, "site.yaml:12:14: note: the gateway"])
        #expect(try checkLines(withLibvirt("{mode: route}"), explicit: true) == [
            warning.replacingOccurrences(of: "nat network", with: "route network"), "site.yaml:12:14: note: the gateway",
        ])
        // nat is the default mode: the warning points at the libvirt mapping.
        #expect(try checkLines(withLibvirt("{bridge: virbr1}"), explicit: false) == [
            warning.replacingOccurrences(of: "14:21", with: "14:14"), "site.yaml:12:14: note: the gateway",
        ])
        for quiet in ["{mode: nat, address: 192.168.1.1}", "{mode: nat, address: 192.168.1.2}", "{mode: isolated}",
                      "{mode: bridge, bridge: br0}"] {
            #expect(try checkLines(withLibvirt(quiet), explicit: false) == [], "\(quiet)")
        }
        #expect(try checkLines(withLibvirt("{mode: nat}", gateway: false), explicit: false) == [])
    }

    /// The warning fails `igncc check` with --strict only, printed with its caret.
    @Test func natAtTheGatewayFailsOnlyWhenStrict() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("site.yaml", withLibvirt("{mode: nat}"))
        let relaxed = try runProcess(TestPaths.binary, ["check", "site.yaml"], directory: dir.path)
        #expect(relaxed.status == 0)
        #expect(relaxed.stderr.contains("""
            site.yaml:14:21: warning: nat network 'lan' puts the lab host on its bridge at the gateway's address 192.168.1.1
            """))
        #expect(relaxed.stderr.contains(" 14 |     libvirt: {mode: nat}\n    |                     ^\n"))
        #expect(try runProcess(TestPaths.binary, ["check", "--strict", "site.yaml"], directory: dir.path).status == 1)
        try dir.write("site.yaml", withLibvirt("{mode: nat, address: 192.168.1.1}"))
        let kept = try runProcess(TestPaths.binary, ["check", "--strict", "site.yaml"], directory: dir.path)
        #expect(kept.status == 0 && kept.stderr.isEmpty, "\(kept.stderr)")
    }

    /// The site's interface-name rule lets '&' through; libvirt's does not.
    @Test func bridgeNamesFollowLibvirtsRule() {
        #expect(diagnose(withLibvirt("{bridge: 'br&x'}")) == [
            "site.yaml:14:23: error: bridge name 'br&x' may contain only letters, digits, '_', '.' and '-' in libvirt",
        ])
        #expect(diagnose(withLibvirt("{bridge: br_0.x-1}")) == [])
    }

    @Test func nicOffTheLabIsLeftOutWithAWarning() throws {
        let yaml = withLibvirt("{mode: nat, address: 192.168.1.1}") + """
              - {mac: 52:54:00:00:02:21, network: ipmi, default_route: false}
          node2:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:22, network: ipmi, address: 10.8.0.22}

        """
        let site = yaml.replacingOccurrences(of: "hosts:\n", with: "  ipmi:\n    cidr: 10.8.0.0/24\nhosts:\n")
        #expect(diagnose(site) == [])
        #expect(try checkLines(site, explicit: false) == [
            "site.yaml:22:43: warning: NIC 52:54:00:00:02:21 of host 'node1' is left out of its VM: network 'ipmi' has no 'libvirt' section",
            "site.yaml:23:3: warning: host 'node2' has no NIC on a network with a 'libvirt' section: out/libvirt has no VM for it",
        ])
        #expect(try checkLines(site, explicit: true) == [
            "site.yaml:22:43: warning: NIC 52:54:00:00:02:21 of host 'node1' is left out of its VM: network 'ipmi' has no 'libvirt' section",
            "site.yaml:23:3: error: host 'node2' has no NIC on a network with a 'libvirt' section: out/libvirt has no VM for it",
        ])
        let paths = buildAll(try compile(site), targets: [.libvirt]).map(\.relativePath)
        #expect(paths == ["libvirt/domains/node1.xml", "libvirt/lab.sh", "libvirt/networks/lan.xml", "SHA512SUMS"])
    }

    /// libvirt's dnsmasq leases only from a range; the static addresses have reservations.
    @Test func dhcpNICOnANetworkWithoutRangeGetsNoAddress() throws {
        let yaml = withLibvirt("{mode: nat, address: 192.168.1.1}") + "  node2:\n    roles: [worker]\n    nics: [{mac: 52:54:00:00:01:22, network: lan}]\n"
        let lines = try checkLines(yaml, explicit: true)
        #expect(lines == [
            "site.yaml:22:46: warning: NIC 52:54:00:00:01:22 of host 'node2' uses DHCP, but network 'lan' has no 'dhcp_range': libvirt gives it no address",
        ])
        let ranged = yaml.replacingOccurrences(of: "{mode: nat, address: 192.168.1.1}",
                                               with: "{mode: nat, address: 192.168.1.1, dhcp_range: [192.168.1.100, 192.168.1.150]}")
        #expect(try checkLines(ranged, explicit: true) == [])
        // On a host bridge the real network's DHCP server answers.
        let bridged = yaml.replacingOccurrences(of: "{mode: nat, address: 192.168.1.1}", with: "{mode: bridge, bridge: br0}")
        #expect(try checkLines(bridged, explicit: true) == [])
    }

    @Test func noLabNetworkIsAnErrorOnlyWhenAskedFor() throws {
        #expect(try checkLines(minimalSite, explicit: false) == [])
        #expect(try checkLines(minimalSite, explicit: true) == [
            "error: no network has a 'libvirt' section: the libvirt target has nothing to build",
        ])
        #expect(buildAll(try compile(minimalSite), targets: [.libvirt]).map(\.relativePath) == ["SHA512SUMS"])
    }
}
