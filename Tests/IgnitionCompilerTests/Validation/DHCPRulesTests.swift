import Testing
@testable import IgnitionCompiler
import InventoryGen

/// `networks.<name>.dhcp`, rule by rule, as the exact lines igncc prints: the site's rules (every
/// build and `igncc check`) and what the dnsmasq and kea targets say when they are built.
@Suite struct DHCPRulesTests {
    /// The minimal site with `dhcp` on network 'lan' at line 14 and a base URL at line 21.
    static func withDHCP(_ dhcp: String, baseURL: String? = "http://192.168.1.5:8080", extra: String = "") -> String {
        minimalSite.replacingOccurrences(of: "    dns: [192.168.1.10]\n", with: "    dns: [192.168.1.10]\n    dhcp: \(dhcp)\n")
            + (baseURL.map { "serve:\n  base_url: \($0)\n" } ?? "") + extra
    }

    /// The printed headlines of the DHCP targets' `check`, for a site that loads cleanly.
    private func checkLines(_ yaml: String, targets: [BuildTarget], explicit: Bool,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String] {
        let loaded = load(yaml, backends: InventoryGen.allBackends)
        let site = try #require(loaded.compilable, sourceLocation: sourceLocation)
        let diagnostics = Compiler.check(site, targets: targets, explicit: explicit, backends: InventoryGen.allBackends)
        let renderer = DiagnosticRenderer(sources: loaded.sources)
        return diagnostics.sorted.flatMap { diagnostic in
            renderer.render(diagnostic).split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
        }
    }

    @Test func aCompleteSectionIsAccepted() {
        #expect(diagnose(Self.withDHCP("{range: [192.168.1.100, 192.168.1.199], lease: 12h, pxe: true, next_server: 192.168.1.5, tftp_root: /srv/tftp}")) == [])
        #expect(diagnose(Self.withDHCP("{pxe: false}", baseURL: nil)) == [])
        // An empty `dhcp:` asks for the service with its defaults, as `{}` does.
        #expect(load(Self.withDHCP("")).compilable?.networks[0].dhcp?.servesPXE == true)
        #expect(load(Self.withDHCP("{}")).compilable?.networks[0].dhcp?.effectiveLease == .seconds(3600))
    }

    @Test func unknownKeysGetASuggestion() {
        #expect(diagnose(Self.withDHCP("{rnage: [192.168.1.100, 192.168.1.199], pex: false}")) == [
            "site.yaml:14:12: error: unknown key 'rnage' in 'dhcp' of network 'lan'; did you mean 'range'?",
            "site.yaml:14:51: error: unknown key 'pex' in 'dhcp' of network 'lan'; did you mean 'pxe'?",
        ])
        #expect(diagnose(Self.withDHCP("yes")) == [
            "site.yaml:14:11: error: expected a mapping for 'dhcp' of network 'lan', found 'yes'",
        ])
        #expect(diagnose(Self.withDHCP("{pxe: maybe}")) == [
            "site.yaml:14:17: error: expected true or false for 'pxe', found 'maybe'",
        ])
    }

    @Test func rangeIsTwoOrderedAddressesInsideTheNetwork() {
        #expect(diagnose(Self.withDHCP("{range: [192.168.1.100]}")) == [
            "site.yaml:14:19: error: 'range' needs exactly two addresses, the first and the last, found 1",
        ])
        #expect(diagnose(Self.withDHCP("{range: [10.0.0.1, 192.168.1.199]}")) == [
            "site.yaml:14:20: error: DHCP range address 10.0.0.1 is outside network 'lan' (192.168.1.0/24)",
            "site.yaml:11:11: note: network 'lan' declared here",
        ])
        #expect(diagnose(Self.withDHCP("{range: [192.168.1.199, 192.168.1.100]}")) == [
            "site.yaml:14:35: error: DHCP range ends (192.168.1.100) before it starts (192.168.1.199)",
        ])
        #expect(diagnose(Self.withDHCP("{range: [192.168.1.300, 192.168.1.100]}")) == [
            "site.yaml:14:20: error: '192.168.1.300' is not an IPv4 address (for 'range')",
        ])
    }

    /// Every address the site gives statically is refused inside the pool, all in one run, each
    /// with a note at the address: the gateway, the network and broadcast addresses, a NIC, the
    /// PXE server, the VIP, an extra API address, a DNS A record, the lab host's bridge address.
    @Test func rangeLeasesNoStaticAddress() {
        #expect(diagnose(Self.withDHCP("{range: [192.168.1.0, 192.168.1.255], next_server: 192.168.1.30}")) == [
            "site.yaml:14:19: error: DHCP range 192.168.1.0-192.168.1.255 of network 'lan' contains 192.168.1.1, its gateway: the server would lease it to another machine",
            "site.yaml:12:14: note: the gateway",
            "site.yaml:14:19: error: DHCP range 192.168.1.0-192.168.1.255 of network 'lan' contains 192.168.1.30, the PXE boot server: the server would lease it to another machine",
            "site.yaml:14:62: note: 'next_server' set here",
            "site.yaml:14:19: error: DHCP range 192.168.1.0-192.168.1.255 of network 'lan' contains 192.168.1.21, the address of host 'node1': the server would lease it to another machine",
            "site.yaml:19:57: note: host 'node1' has it here",
            "site.yaml:14:20: error: DHCP range of network 'lan' starts at its network address 192.168.1.0",
            "site.yaml:14:33: error: DHCP range of network 'lan' ends at its broadcast address 192.168.1.255",
        ])
        let others = """
        kubernetes:
          api: {name: api, vip: 192.168.1.150, extra_addresses: [192.168.1.151]}
        dns:
          nameservers: [ns1]
          records:
            - {name: ns1, type: A, value: 192.168.1.152}

        """
        #expect(diagnose(Self.withDHCP("{range: [192.168.1.100, 192.168.1.199]}", extra: others)) == [
            "site.yaml:14:19: error: DHCP range 192.168.1.100-192.168.1.199 of network 'lan' contains 192.168.1.150, the API VIP: the server would lease it to another machine",
            "site.yaml:23:25: note: the VIP",
            "site.yaml:14:19: error: DHCP range 192.168.1.100-192.168.1.199 of network 'lan' contains 192.168.1.151, an address of the API name 'api': the server would lease it to another machine",
            "site.yaml:23:58: note: in 'extra_addresses' here",
            "site.yaml:14:19: error: DHCP range 192.168.1.100-192.168.1.199 of network 'lan' contains 192.168.1.152, the address of DNS record 'ns1': the server would lease it to another machine",
            "site.yaml:27:35: note: record 'ns1' has it here",
        ])
        let lab = Self.withDHCP("{range: [192.168.1.100, 192.168.1.199]}")
            .replacingOccurrences(of: "    dhcp:", with: "    libvirt: {mode: isolated, address: 192.168.1.100}\n    dhcp:")
        #expect(diagnose(lab) == [
            "site.yaml:15:19: error: DHCP range 192.168.1.100-192.168.1.199 of network 'lan' contains 192.168.1.100, the lab host's address on its libvirt bridge: the server would lease it to another machine",
            "site.yaml:14:40: note: 'libvirt.address' set here",
        ])
    }

    @Test func leaseTimes() {
        #expect(diagnose(Self.withDHCP("{lease: 1x}")) == [
            "site.yaml:14:19: error: '1x' is not a lease time; write seconds or a number with 's', 'm', 'h', 'd' or 'w' ('30m', '12h', '7d'), or 'infinite'",
        ])
        #expect(diagnose(Self.withDHCP("{lease: 1m}")) == [
            "site.yaml:14:19: error: lease time '1m' is shorter than 2 minutes, which dnsmasq would raise to 2m",
        ])
        for long in ["3000000000", "99999999999999999999", "9999999999w"] {
            #expect(diagnose(Self.withDHCP("{lease: \(long)}")) == [
                "site.yaml:14:19: error: lease time '\(long)' is longer than 2147483647 seconds (about 68 years), more than dnsmasq reads; use 'infinite'",
            ])
        }
        // Each written the way dnsmasq reads it: the largest unit that divides it.
        let forms: [(String, LeaseTime, String)] = [
            ("120", .seconds(120), "2m"), ("121s", .seconds(121), "121"), ("90m", .seconds(5400), "90m"),
            ("1h", .seconds(3600), "1h"), ("48h", .seconds(172_800), "2d"), ("14d", .seconds(1_209_600), "2w"),
            ("infinite", .infinite, "infinite"),
        ]
        for (text, lease, written) in forms {
            #expect(LeaseTime.parse(text) == lease)
            #expect(lease.text == written)
            #expect(diagnose(Self.withDHCP("{lease: \(text)}")) == [])
        }
    }

    @Test func pxeNeedsABaseURLThatFitsTheReply() {
        #expect(diagnose(Self.withDHCP("{}", baseURL: nil)) == [
            "site.yaml:14:5: error: network 'lan' boots PXE clients into iPXE ('pxe' is true by default), which then fetches '<base_url>/boot.ipxe', but the site has no 'serve.base_url'; set it, or 'pxe: false'",
        ])
        #expect(diagnose(Self.withDHCP("{pxe: true}", baseURL: nil)) == [
            "site.yaml:14:17: error: network 'lan' boots PXE clients into iPXE, which then fetches '<base_url>/boot.ipxe', but the site has no 'serve.base_url'; set it, or 'pxe: false'",
        ])
        #expect(diagnose(Self.withDHCP("{}", baseURL: "http://192.168.1.5:8080/a,b")) == [
            "site.yaml:21:13: error: 'base_url' has a ',', which dnsmasq's 'dhcp-boot' reads as the end of the boot file name: iPXE on network 'lan' could not be given 'http://192.168.1.5:8080/a,b/boot.ipxe'",
            "site.yaml:14:5: note: 'pxe' is true by default",
        ])
        // 24 + 93 + 10 = 127 bytes fit; one more does not (Kea: "boot-file-name must be at most 127 bytes").
        let fits = "http://192.168.1.5:8080/" + String(repeating: "x", count: 93)
        #expect(diagnose(Self.withDHCP("{pxe: true}", baseURL: fits)) == [])
        #expect(diagnose(Self.withDHCP("{pxe: true}", baseURL: fits + "x")) == [
            "site.yaml:21:13: error: the boot URL '\(fits)x/boot.ipxe' is 128 bytes; a DHCP reply's boot file field holds 127: shorten 'base_url' for the PXE of network 'lan'",
            "site.yaml:14:17: note: 'pxe' set here",
        ])
    }

    @Test func pxeSettingsNeedPXE() {
        #expect(diagnose(Self.withDHCP("{pxe: false, next_server: 192.168.1.5, tftp_root: /srv/tftp}")) == [
            "site.yaml:14:37: error: 'next_server' is where PXE firmware fetches iPXE: it does not apply with 'pxe: false'",
            "site.yaml:14:17: note: 'pxe: false' set here",
            "site.yaml:14:61: error: 'tftp_root' is where dnsmasq serves iPXE to PXE firmware: it does not apply with 'pxe: false'",
            "site.yaml:14:17: note: 'pxe: false' set here",
        ])
        #expect(diagnose(Self.withDHCP("{next_server: 192.168.1.255}")) == [
            "site.yaml:14:25: error: next_server 192.168.1.255 is the broadcast address of 192.168.1.0/24",
        ])
        #expect(diagnose(Self.withDHCP("{tftp_root: srv/tftp}")) == [
            "site.yaml:14:23: error: 'tftp_root' must be an absolute path, found 'srv/tftp'",
        ])
        #expect(diagnose(Self.withDHCP("{tftp_root: '/srv/a,b'}")) == [
            "site.yaml:14:23: error: 'tftp_root' may not contain ',' (dnsmasq could not read it), found '/srv/a,b'",
        ])
        #expect(diagnose(Self.withDHCP("{tftp_root: '/srv/a b'}")) == [
            "site.yaml:14:23: error: 'tftp_root' may not contain a space (dnsmasq could not read it), found '/srv/a b'",
        ])
    }

    /// One dnsmasq serves every network from one TFTP root; and 0.0.0.0/8 has no address to lease.
    @Test func networksAgreeOnTheTFTPRoot() {
        let yaml = minimalSite.replacingOccurrences(of: "    dns: [192.168.1.10]\n", with: """
                dns: [192.168.1.10]
                dhcp: {}
              storage:
                cidr: 10.9.0.0/24
                dhcp: {tftp_root: /srv/tftp}
              zero:
                cidr: 0.0.0.0/24
                dhcp: {pxe: false}

            """) + "serve:\n  base_url: http://192.168.1.5:8080\n"
        #expect(diagnose(yaml) == [
            "site.yaml:17:23: error: network 'storage' serves TFTP from '/srv/tftp' but network 'lan' from the default '/usr/lib/ipxe': dnsmasq has one TFTP root; give every PXE network the same 'tftp_root'",
            "site.yaml:14:5: note: network 'lan' uses the default '/usr/lib/ipxe'",
            "site.yaml:20:5: error: DHCP cannot serve network 'zero' (0.0.0.0/24): addresses in 0.0.0.0/8 are not assignable (RFC 1122)",
        ])
    }

    /// The targets, when built: nothing to build is an error only when named; Kea, which serves no
    /// TFTP, cannot send PXE firmware anywhere without `next_server` (a warning in a full build).
    @Test func targetChecks() throws {
        for target in [BuildTarget.dnsmasq, .kea] {
            #expect(try checkLines(minimalSite, targets: [target], explicit: true) == [
                "error: no network has a 'dhcp' section: the \(target.rawValue) target has nothing to build",
            ])
            #expect(try checkLines(minimalSite, targets: [target], explicit: false) == [])
        }
        let message = "Kea serves no TFTP, and network 'lan' names no 'next_server': in out/kea/kea-dhcp4.json only iPXE clients get a boot file there, not PXE firmware; set 'next_server' to the TFTP server of undionly.kpxe and ipxe.efi"
        #expect(try checkLines(Self.withDHCP("{}"), targets: [.kea], explicit: false) == ["site.yaml:14:5: warning: \(message)"])
        #expect(try checkLines(Self.withDHCP("{pxe: true}"), targets: [.kea], explicit: true) == ["site.yaml:14:17: error: \(message)"])
        #expect(try checkLines(Self.withDHCP("{}"), targets: [.dnsmasq], explicit: true) == [])
        #expect(try checkLines(Self.withDHCP("{next_server: 192.168.1.5}"), targets: [.kea], explicit: true) == [])
        #expect(try checkLines(Self.withDHCP("{pxe: false}"), targets: [.kea], explicit: true) == [])
    }
}
