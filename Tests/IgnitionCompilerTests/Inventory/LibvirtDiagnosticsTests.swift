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

    @Test func natAndRouteNeedAGateway() {
        #expect(diagnose(withLibvirt("{mode: nat}", gateway: false)) == [
            "site.yaml:13:21: error: libvirt mode 'nat' of network 'lan' needs a gateway: it is the lab host's address on the bridge",
            "site.yaml:10:3: note: network 'lan' declared here",
        ])
        #expect(diagnose(withLibvirt("{mode: route}", gateway: false)) == [
            "site.yaml:13:21: error: libvirt mode 'route' of network 'lan' needs a gateway: it is the lab host's address on the bridge",
            "site.yaml:10:3: note: network 'lan' declared here",
        ])
        // nat is the default mode: the error points at the libvirt mapping.
        #expect(diagnose(withLibvirt("{bridge: virbr1}", gateway: false)) == [
            "site.yaml:13:14: error: libvirt mode 'nat' of network 'lan' needs a gateway: it is the lab host's address on the bridge",
            "site.yaml:10:3: note: network 'lan' declared here",
        ])
    }

    @Test func isolatedWithoutGatewayHasNoDHCP() {
        #expect(diagnose(withLibvirt("{mode: isolated}", gateway: false)) == [])
        #expect(diagnose(withLibvirt("{mode: isolated, dhcp_range: [192.168.1.100, 192.168.1.150]}", gateway: false)) == [
            "site.yaml:13:44: error: isolated network 'lan' has a DHCP range but no gateway: libvirt serves DHCP from the gateway address",
        ])
    }

    /// The site's interface-name rule lets '&' through; libvirt's does not.
    @Test func bridgeNamesFollowLibvirtsRule() {
        #expect(diagnose(withLibvirt("{bridge: 'br&x'}")) == [
            "site.yaml:14:23: error: bridge name 'br&x' may contain only letters, digits, '_', '.' and '-' in libvirt",
        ])
        #expect(diagnose(withLibvirt("{bridge: br_0.x-1}")) == [])
    }

    @Test func nicOffTheLabIsLeftOutWithAWarning() throws {
        let yaml = withLibvirt("{mode: nat}") + """
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
        let yaml = withLibvirt("{mode: nat}") + "  node2:\n    roles: [worker]\n    nics: [{mac: 52:54:00:00:01:22, network: lan}]\n"
        let lines = try checkLines(yaml, explicit: true)
        #expect(lines == [
            "site.yaml:22:46: warning: NIC 52:54:00:00:01:22 of host 'node2' uses DHCP, but network 'lan' has no 'dhcp_range': libvirt gives it no address",
        ])
        let ranged = yaml.replacingOccurrences(of: "{mode: nat}", with: "{mode: nat, dhcp_range: [192.168.1.100, 192.168.1.150]}")
        #expect(try checkLines(ranged, explicit: true) == [])
    }

    @Test func noLabNetworkIsAnErrorOnlyWhenAskedFor() throws {
        #expect(try checkLines(minimalSite, explicit: false) == [])
        #expect(try checkLines(minimalSite, explicit: true) == [
            "error: no network has a 'libvirt' section: the libvirt target has nothing to build",
        ])
        #expect(buildAll(try compile(minimalSite), targets: [.libvirt]).map(\.relativePath) == ["SHA512SUMS"])
    }
}
