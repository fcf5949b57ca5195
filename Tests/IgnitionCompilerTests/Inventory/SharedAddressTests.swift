import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// Names that share addresses (issue 12, seed 004's zone): A records at hosts' addresses and
/// round robins over them, two names for one address, the API name's `extra_addresses`; one PTR
/// per address. The zones are read back with `named-checkzone -D`, which dumps what BIND loaded.
@Suite struct SharedAddressTests {
    /// Three hosts; an ingress round robin over all of them (workers included), the API name over
    /// the control plane plus a worker and an address of no host, two names for the nameserver.
    static let site = minimalSite + """
          node2:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}
          node3:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:23, network: lan, address: 192.168.1.23}
        kubernetes:
          api: {name: kube, extra_addresses: [192.168.1.22, 192.168.1.40]}
        dns:
          nameservers: [ns1]
          records:
            - {name: ns1, type: A, value: 192.168.1.10}
            - {name: dns, type: A, value: 192.168.1.10}
            - {name: ingress, type: A, value: 192.168.1.21}
            - {name: ingress, type: A, value: 192.168.1.22}
            - {name: ingress, type: A, value: 192.168.1.23}
            - {name: "*.apps", type: CNAME, value: ingress}
          reverse: true

        """

    /// The zone as BIND loaded it: `named-checkzone -D` (every check fatal), as (owner, type, data).
    static func loaded(_ zone: String, _ file: String) throws -> [(owner: String, type: String, data: String)] {
        let checkzone = try RealConsumerTests.tool("named-checkzone", package: "bind9-utils")
        let result = try runProcess(checkzone, ["-k", "fail", "-n", "fail", "-m", "fail", "-M", "fail", "-S", "fail",
                                                "-r", "fail", "-i", "full", "-D", "-o", "-", zone, file])
        #expect(result.status == 0, "\(zone): \(result.stdout)\(result.stderr)")
        return result.stdout.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 5, fields[2] == "IN" else { return nil }
            return (String(fields[0]), String(fields[3]), fields[4...].joined(separator: " "))
        }
    }

    @Test func roundRobinsAndOnePointerPerAddressAsBINDLoadsThem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try OutputDirectory.write(buildAll(try compile(Self.site), targets: [.bindZone]), to: dir.file("out"))
        let forward = try Self.loaded("demo.example", dir.file("out/bind/db.demo.example"))
        func addresses(_ name: String) -> [String] {
            forward.filter { $0.owner == name && $0.type == "A" }.map(\.data).sorted()
        }
        #expect(addresses("ingress.demo.example.") == ["192.168.1.21", "192.168.1.22", "192.168.1.23"])
        #expect(addresses("kube.demo.example.") == ["192.168.1.21", "192.168.1.22", "192.168.1.40"])
        #expect(addresses("ns1.demo.example.") == ["192.168.1.10"] && addresses("dns.demo.example.") == ["192.168.1.10"])
        #expect(addresses("node2.demo.example.") == ["192.168.1.22"])

        // One PTR per address: a host's address names its host, whatever else shares it; an
        // address of no host names its first name (the API name's before the records', then the
        // records in their order).
        let reverse = try Self.loaded("1.168.192.in-addr.arpa", dir.file("out/bind/db.1.168.192.in-addr.arpa"))
        let pointers = reverse.filter { $0.type == "PTR" }.map { "\($0.owner) \($0.data)" }
        #expect(pointers == [
            "10.1.168.192.in-addr.arpa. ns1.demo.example.",
            "21.1.168.192.in-addr.arpa. node1.demo.example.",
            "22.1.168.192.in-addr.arpa. node2.demo.example.",
            "23.1.168.192.in-addr.arpa. node3.demo.example.",
            "40.1.168.192.in-addr.arpa. kube.demo.example.",
        ])
    }

    /// A record may name the VIP too; the VIP's PTR stays the API name's.
    @Test func aRecordAtTheVIPLeavesItsPointerToTheAPIName() throws {
        let yaml = minimalSite + """
        kubernetes:
          api: {name: kube, vip: 192.168.1.100, extra_addresses: [192.168.1.101]}
        dns:
          nameservers: [ns.example.net.]
          records:
            - {name: lb, type: A, value: 192.168.1.100}
            - {name: lb, type: A, value: 192.168.1.101}
          reverse: true

        """
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try OutputDirectory.write(buildAll(try compile(yaml), targets: [.bindZone]), to: dir.file("out"))
        let forward = try Self.loaded("demo.example", dir.file("out/bind/db.demo.example"))
        #expect(forward.filter { $0.owner == "kube.demo.example." && $0.type == "A" }.map(\.data) == ["192.168.1.100", "192.168.1.101"])
        let reverse = try Self.loaded("1.168.192.in-addr.arpa", dir.file("out/bind/db.1.168.192.in-addr.arpa"))
        #expect(reverse.filter { $0.type == "PTR" }.map { "\($0.owner) \($0.data)" }.sorted() == [
            "100.1.168.192.in-addr.arpa. kube.demo.example.",
            "101.1.168.192.in-addr.arpa. kube.demo.example.",
            "21.1.168.192.in-addr.arpa. node1.demo.example.",
        ])
    }

    @Test func theZoneSaysWhereTheAPIAddressesComeFrom() throws {
        let files = buildAll(try compile(Self.site), targets: [.bindZone])
        let zone = String(decoding: try #require(files.first { $0.relativePath == "bind/db.demo.example" }).contents, as: UTF8.self)
        #expect(zone.contains("""
            ; Kubernetes API: round robin over the control planes, then its extra_addresses
            kube\tIN\tA\t192.168.1.21
            kube\tIN\tA\t192.168.1.22
            kube\tIN\tA\t192.168.1.40

            """))
    }

    /// Same name and same address twice is still a duplicate; only NIC addresses are unique
    /// between hosts.
    @Test func whatStaysRefused() {
        #expect(diagnose(Self.site.replacingOccurrences(of: "value: 192.168.1.23}", with: "value: 192.168.1.21}")) == [
            "site.yaml:36:14: error: duplicate DNS record 'ingress' A 192.168.1.21",
            "site.yaml:34:14: note: first given here",
        ])
        #expect(diagnose(Self.site.replacingOccurrences(of: "address: 192.168.1.23}", with: "address: 192.168.1.22}")) == [
            "site.yaml:26:57: error: address 192.168.1.22 is used twice",
            "site.yaml:22:57: note: first used by host 'node2'",
        ])
    }

    @Test func extraAddressRules() {
        func api(_ api: String, reverse: Bool = false) -> String {
            minimalSite + "kubernetes:\n  api: \(api)\ndns:\n  nameservers: [ns.example.net.]\n  reverse: \(reverse)\n"
        }
        #expect(diagnose(api("{name: kube, extra_addresses: [192.168.1.40, 192.168.1.40, 192.168.1.999]}")) == [
            "site.yaml:20:53: error: address 192.168.1.40 is listed twice in 'extra_addresses'",
            "site.yaml:20:39: note: first listed here",
            "site.yaml:20:67: error: '192.168.1.999' is not an IPv4 address (for 'extra_addresses')",
        ])
        #expect(diagnose(api("{name: kube, extra_addresses: [192.168.1.21]}")) == [
            "site.yaml:20:39: error: extra address 192.168.1.21 of the API name is already in its round robin, as the node address of control plane 'node1'",
            "site.yaml:18:57: note: control plane 'node1' has it here",
        ])
        #expect(diagnose(api("{name: kube, vip: 192.168.1.100, extra_addresses: [192.168.1.100]}")) == [
            "site.yaml:20:59: error: extra address 192.168.1.100 of the API name is its VIP already",
            "site.yaml:20:26: note: the VIP",
        ])
        // Like every A record, with reverse zones it must be in a declared network.
        #expect(diagnose(api("{name: kube, extra_addresses: [172.16.0.5]}", reverse: true)) == [
            "site.yaml:20:39: error: address 172.16.0.5 of 'kubernetes.api.extra_addresses' is in no declared network, so no reverse zone can hold its PTR record ('dns.reverse' is true)",
        ])
        #expect(diagnose(api("{name: kube, extra_addresses: [172.16.0.5]}")) == [])
        // The API name's records come from 'kubernetes.api' only.
        #expect(diagnose(api("{name: kube}") + "  records: [{name: kube, type: A, value: 192.168.1.40}]\n") == [
            "site.yaml:24:20: error: DNS record 'kube' duplicates the Kubernetes API name; list the address in 'kubernetes.api.extra_addresses'",
            "site.yaml:20:15: note: the Kubernetes API name's record comes from here",
        ])
    }

    /// Without a zone the extra addresses still go into the certificates, so the rule holds.
    @Test func extraAddressRulesHoldWithoutDNS() {
        #expect(diagnose(minimalSite + "kubernetes:\n  api: {name: kube, extra_addresses: [192.168.1.21]}\n") == [
            "site.yaml:20:39: error: extra address 192.168.1.21 of the API name is already in its round robin, as the node address of control plane 'node1'",
            "site.yaml:18:57: note: control plane 'node1' has it here",
        ])
    }
}
