import Foundation
import Testing
@testable import IgnitionCompiler
@testable import InventoryGen

/// The zones' text, serials and reverse-zone layout, and every DNS rule as a located diagnostic.
@Suite struct BindZoneTests {
    static let dnsSite = minimalSite.replacingOccurrences(of: "hosts:\n", with: """
          storage:
            cidr: 10.9.0.64/26
        hosts:
          node2:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}
              - {mac: 52:54:00:00:02:22, network: storage, address: 10.9.0.70}

        """) + """
        kubernetes:
          api: {name: kube}
        dns:
          ttl: 600
          email: dns.admin@demo.example
          nameservers: [ns1, ns.example.net.]
          records:
            - {name: ns1, type: A, value: 192.168.1.10}
            - {name: "@", type: MX, value: "10 mail"}
            - {name: mail, type: A, value: 192.168.1.11, ttl: 300}
            - {name: mail, type: AAAA, value: "2001:DB8:0:0:0:0:0:1"}
            - {name: _kube._tcp, type: SRV, value: "0 5 6443 kube"}
            - {name: "@", type: TXT, value: "v=spf1 mx -all \\"quoted\\""}
            - {name: "*.apps", type: CNAME, value: kube}
          reverse: true

        """

    @Test func forwardZoneText() throws {
        let site = try compile(Self.dnsSite)
        let files = buildAll(site, targets: [.bindZone])
        #expect(files.map(\.relativePath) == [
            "bind/db.1.168.192.in-addr.arpa", "bind/db.64-26.0.9.10.in-addr.arpa", "bind/db.demo.example",
            "bind/named.conf.zones", "SHA512SUMS",
        ])
        let zone = String(decoding: try #require(files.first { $0.relativePath == "bind/db.demo.example" }).contents, as: UTF8.self)
        #expect(zone == """
            ; Zone demo.example of site 'demo', written by igncc; 'igncc build' rewrites it,
            ; keeping the serial while the records stay the same.
            $ORIGIN demo.example.
            $TTL 600
            @\tIN\tSOA\tns1.demo.example. dns\\.admin.demo.example. (
            \t\t\t2026112300\t; serial
            \t\t\t7200\t\t; refresh
            \t\t\t3600\t\t; retry
            \t\t\t1209600\t\t; expire
            \t\t\t3600 )\t\t; negative answers
            @\tIN\tNS\tns1.demo.example.
            @\tIN\tNS\tns.example.net.

            ; hosts: the primary address at the host's name, others at <host>-<network>
            node2\tIN\tA\t192.168.1.22
            node2-storage\tIN\tA\t10.9.0.70
            node1\tIN\tA\t192.168.1.21

            ; Kubernetes API: round robin over the control planes
            kube\tIN\tA\t192.168.1.21

            ; records from site.yaml
            ns1\tIN\tA\t192.168.1.10
            @\tIN\tMX\t10 mail.demo.example.
            mail\t300\tIN\tA\t192.168.1.11
            mail\tIN\tAAAA\t2001:db8::1
            _kube._tcp\tIN\tSRV\t0 5 6443 kube.demo.example.
            @\tIN\tTXT\t"v=spf1 mx -all \\"quoted\\""
            *.apps\tIN\tCNAME\tkube.demo.example.

            """)
        let classless = String(decoding: try #require(files.first { $0.relativePath == "bind/db.64-26.0.9.10.in-addr.arpa" }).contents,
                               as: UTF8.self)
        #expect(classless.hasSuffix("@\tIN\tNS\tns.example.net.\n\n70\tIN\tPTR\tnode2.demo.example.\n"))
        #expect(classless.contains("; RFC 2317: the zone 0.9.10.in-addr.arpa delegates each address here with a CNAME,\n"))
        let conf = String(decoding: try #require(files.first { $0.relativePath == "bind/named.conf.zones" }).contents, as: UTF8.self)
        #expect(conf.contains("""
            // 10.9.0.64/26: an RFC 2317 zone; 0.9.10.in-addr.arpa must delegate its addresses here.

            zone "64-26.0.9.10.in-addr.arpa" {
            \ttype primary;
            \tfile "db.64-26.0.9.10.in-addr.arpa";
            };

            """))
    }

    @Test func reverseZoneBlocks() {
        func names(_ cidr: String) -> [String] {
            guard case .success(let network) = IPv4Network.parse(cidr) else { return [] }
            return ReverseZones.blocks(of: network).map(\.name.text)
        }
        #expect(names("10.0.0.0/8") == ["10.in-addr.arpa"])
        #expect(names("172.16.0.0/16") == ["16.172.in-addr.arpa"])
        #expect(names("192.168.1.0/24") == ["1.168.192.in-addr.arpa"])
        #expect(names("10.20.16.0/22") == ["16.20.10.in-addr.arpa", "17.20.10.in-addr.arpa",
                                           "18.20.10.in-addr.arpa", "19.20.10.in-addr.arpa"])
        #expect(names("10.64.0.0/15") == ["64.10.in-addr.arpa", "65.10.in-addr.arpa"])
        #expect(names("192.168.1.128/25") == ["128-25.1.168.192.in-addr.arpa"])
        #expect(names("192.168.1.7/32") == ["7-32.1.168.192.in-addr.arpa"])
        let block = IPv4Network(address: IPv4Address("10.64.0.0")!, prefixLength: 16)
        #expect(ReverseZones.owner(of: IPv4Address("10.64.3.9")!, block: block,
                                   zone: DomainName(labels: ["64", "10", "in-addr", "arpa"])).text == "9.3.64.10.in-addr.arpa")
    }

    /// YYYYMMDDnn; RFC 1982 order decides between today's first serial and the old one plus one.
    @Test func serialArithmetic() {
        let day = BuildDate(year: 2026, month: 11, day: 23)
        #expect(ZoneSerial.next(after: nil, on: day) == 2026112300)
        #expect(ZoneSerial.next(after: 2026112300, on: day) == 2026112301)
        #expect(ZoneSerial.next(after: 2026112099, on: day) == 2026112300)
        #expect(ZoneSerial.next(after: 2026112399, on: day) == 2026112400)  // 100 changes in a day: borrow tomorrow
        #expect(ZoneSerial.next(after: 3_000_000_000, on: day) == 3_000_000_001)  // ahead of the date: keep counting
        #expect(ZoneSerial.next(after: UInt32.max, on: day) == 2026112300)  // wraps to 0, and today is after 0
        #expect(ZoneSerial.isGreater(1, than: UInt32.max))
        #expect(!ZoneSerial.isGreater(UInt32.max, than: 1))
        #expect(!ZoneSerial.isGreater(0x8000_0000, than: 0) && !ZoneSerial.isGreater(0, than: 0x8000_0000))
    }

    /// A rebuild keeps the serial while the zone is the same, whatever the day; a change bumps it.
    @Test func serialFollowsTheContent() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        func build(_ yaml: String, on date: BuildDate) throws -> String {
            let site = try compile(yaml)
            let files = Compiler.build(site, options: BuildOptions(targets: [.bindZone], date: date, previousOutput: out),
                                       backends: InventoryGen.allBackends)
            try OutputDirectory.write(files, to: out)
            return try String(contentsOfFile: out + "/bind/db.demo.example", encoding: .utf8)
        }
        let first = try build(Self.dnsSite, on: BuildDate(year: 2026, month: 11, day: 23))
        #expect(Zone.serial(in: first) == 2026112300)
        let later = try build(Self.dnsSite, on: BuildDate(year: 2027, month: 2, day: 1))
        #expect(later == first)
        let changed = Self.dnsSite.replacingOccurrences(of: "value: 192.168.1.11", with: "value: 192.168.1.12")
        #expect(Zone.serial(in: try build(changed, on: BuildDate(year: 2026, month: 11, day: 23))) == 2026112301)
        #expect(Zone.serial(in: try build(changed, on: BuildDate(year: 2026, month: 11, day: 24))) == 2026112301)
        #expect(Zone.serial(in: try build(Self.dnsSite, on: BuildDate(year: 2026, month: 11, day: 24))) == 2026112400)
        // The reverse zone of 192.168.1.0/24 changed with it; the classless one did not.
        let classless = try String(contentsOfFile: out + "/bind/db.64-26.0.9.10.in-addr.arpa", encoding: .utf8)
        #expect(Zone.serial(in: classless) == 2026112300)
    }

    /// The tree's state carries a zone's last serial when the zone is not in the tree (cleaned,
    /// pruned, or a site without dns in between): the next serial follows it, never the day's first.
    @Test func serialContinuesFromTheTreeState() throws {
        let site = try compile(Self.dnsSite)
        func serial(state: [String: UInt32], on date: BuildDate = testDate) -> UInt32? {
            let options = BuildOptions(targets: [.bindZone], date: date, treeState: TreeState(zoneSerials: state))
            let files = Compiler.build(site, options: options, backends: InventoryGen.allBackends)
            let zone = files.first { $0.relativePath == "bind/db.demo.example" }!
            return Zone.serial(in: String(decoding: zone.contents, as: UTF8.self))
        }
        #expect(serial(state: [:]) == 2026112300)
        #expect(serial(state: ["bind/db.demo.example": 2026112305]) == 2026112306)
        #expect(serial(state: ["bind/db.demo.example": 2026110107]) == 2026112300)
        #expect(serial(state: ["bind/db.other.example": 2026112305]) == 2026112300)
        // What the pipeline writes into the state: every zone of the tree, old entries kept.
        let tree = Compiler.assemble(Compiler.build(site, options: BuildOptions(targets: [.bindZone], date: testDate),
                                                    backends: InventoryGen.allBackends).dropLast(),
                                     state: TreeState(zoneSerials: ["bind/db.gone.example": 7]), backends: InventoryGen.allBackends)
        let stateFile = try #require(tree.last)
        #expect(stateFile.relativePath == TreeState.fileName && tree.dropLast().last?.relativePath == Checksums.fileName)
        let state = try TreeState.parse(String(decoding: stateFile.contents, as: UTF8.self), name: TreeState.fileName)
        #expect(state.zoneSerials["bind/db.gone.example"] == 7)
        #expect(state.zoneSerials["bind/db.demo.example"] == 2026112300)
        #expect(try TreeState.parse(state.render(), name: "x") == state)
        #expect(throws: TreeState.ParseError.self) { try TreeState.parse("zone a 1\nzone a 2\n", name: "x") }
    }

    @Test func noDNSSectionIsAnErrorOnlyWhenAskedFor() throws {
        let site = try compile(minimalSite)
        #expect(Compiler.check(site, targets: [.bindZone], explicit: true, backends: InventoryGen.allBackends).all.map(\.message) == [
            "site 'demo' has no 'dns' section: there is no zone to write for 'bind-zone'",
        ])
        #expect(Compiler.check(site, targets: BuildTarget.allCases, explicit: false, backends: InventoryGen.allBackends).all.isEmpty)
        #expect(!buildAll(site).contains { $0.relativePath.hasPrefix("bind/") })
    }

    static func withDNS(_ dns: String, kubernetes: String = "") -> String {
        minimalSite + kubernetes + "dns:\n" + dns
    }

    @Test func recordRules() {
        #expect(diagnose(Self.withDNS("""
              nameservers: [ns1]
              records:
                - {name: ns1, type: A, value: 192.168.1.10}
                - {name: "@", type: CNAME, value: ns1}
                - {name: www, type: CNAME, value: ns1}
                - {name: www, type: TXT, value: hello}
                - {name: alias, type: CNAME, value: ns1}
                - {name: "@", type: MX, value: "10 alias"}
                - {name: "@", type: MX, value: "20 nowhere"}
                - {name: node1, type: TXT, value: owned}
                - {name: ns1, type: A, value: 192.168.1.10}
                - {name: big, type: A, value: 192.168.1.30, ttl: 60}
                - {name: big, type: A, value: 192.168.1.31}
                - {name: mail.other.org., type: A, value: 192.168.1.32}
                - {name: bad_name, type: A, value: 192.168.1.33}
                - {name: v6, type: AAAA, value: "2001:db8::1::2"}
                - {name: mx, type: MX, value: mail}
                - {name: dangling, type: CNAME, value: nothere}

            """)) == [
            "site.yaml:23:14: error: a CNAME record may not be at the zone's apex 'demo.example', which has SOA and NS records",
            "site.yaml:24:14: error: 'www' has a CNAME record and other records; a CNAME must be alone at its name",
            "site.yaml:25:14: note: the DNS record 'www' has a TXT record here",
            "site.yaml:27:14: error: MX target 'alias.demo.example' is an alias (CNAME); it must be a name with A or AAAA records",
            "site.yaml:26:14: note: the CNAME record",
            "site.yaml:28:14: error: MX target 'nowhere.demo.example' has no A or AAAA record in the zone",
            "site.yaml:29:14: error: DNS record 'node1' duplicates the name of host 'node1'",
            "site.yaml:18:57: note: the A record of host 'node1' at this name comes from here",
            "site.yaml:30:14: error: duplicate DNS record 'ns1' A 192.168.1.10",
            "site.yaml:22:14: note: first given here",
            "site.yaml:32:14: error: TTL 3600 of this 'big' A record differs from the TTL 60 of the others; a record set has one TTL",
            "site.yaml:31:14: note: a record of the set with TTL 60",
            "site.yaml:33:14: error: DNS record name 'mail.other.org.' is outside the zone 'demo.example'",
            "site.yaml:34:14: error: DNS record name 'bad_name' may contain only letters, digits and '-' (RFC 1123)",
            "site.yaml:35:37: error: '2001:db8::1::2' is not an IPv6 address (for an AAAA record)",
            "site.yaml:36:35: error: an MX record's value is 'PREFERENCE HOST' (e.g. '10 mail'), found 'mail'",
            "site.yaml:37:14: warning: CNAME target 'nothere.demo.example' has no records in the zone",
        ])
    }

    @Test func nameserverMailboxAndWildcardRules() {
        #expect(diagnose(Self.withDNS("""
              email: not-an-address
              nameservers: [ns1, ns1, "bad ns"]
              records:
                - {name: "*.apps", type: A, value: 192.168.1.40}
                - {name: web.apps, type: A, value: 192.168.1.41}
                - {name: a.b.apps, type: TXT, value: deep}

            """)) == [
            "site.yaml:20:10: error: 'not-an-address' is not an email address such as 'hostmaster@demo.example'",
            "site.yaml:21:17: error: nameserver 'ns1.demo.example' has no A or AAAA record in the zone",
            "site.yaml:21:22: error: nameserver 'ns1' is listed twice",
            "site.yaml:21:17: note: first listed here",
            "site.yaml:21:27: error: nameserver 'bad ns' may contain only letters, digits and '-' (RFC 1123)",
            "site.yaml:24:14: warning: 'web.apps' shadows the wildcard '*.apps': queries for it and the names below it get no wildcard answer",
            "site.yaml:23:14: note: the wildcard",
            "site.yaml:25:14: warning: 'b.apps' shadows the wildcard '*.apps': queries for it and the names below it get no wildcard answer",
            "site.yaml:23:14: note: the wildcard",
        ])
        #expect(diagnose(Self.withDNS("  records: []\n")) == [
            "site.yaml:20:3: error: 'dns' has no nameservers; the zone needs one for its SOA and NS records",
        ])
    }

    @Test func reverseAndAPIRules() {
        #expect(diagnose(Self.withDNS("""
              nameservers: [ns.example.net.]
              records:
                - {name: outside, type: A, value: 172.16.0.5}
                - {name: node1-lan, type: A, value: 192.168.1.50}
              reverse: true

            """, kubernetes: "kubernetes:\n  api: {name: kube, vip: 192.168.1.21}\n")) == [
            "site.yaml:20:26: error: the API VIP 192.168.1.21 is also the address of host 'node1'",
            "site.yaml:18:57: note: host 'node1' has it here",
            "site.yaml:24:39: error: address 172.16.0.5 of the DNS record 'outside' is in no declared network, so no reverse zone can hold its PTR record ('dns.reverse' is true)",
        ])
        #expect(diagnose(Self.withDNS("  nameservers: [ns.example.net.]\n  records: [{name: kube, type: TXT, value: x}]\n",
                                      kubernetes: "kubernetes:\n  api: {name: kube}\n")) == [
            "site.yaml:23:20: error: DNS record 'kube' duplicates the Kubernetes API name",
            "site.yaml:20:15: note: the Kubernetes API name's record comes from here",
        ])
    }

    /// A host address outside every network is its NIC's error, not the reverse zones' as well.
    @Test func noCascadeFromAnUndeclaredNetwork() {
        #expect(diagnose(Self.dnsSite.replacingOccurrences(of: "network: storage", with: "network: storag")) == [
            "site.yaml:21:43: error: network 'storag' is not declared under 'networks'; did you mean 'storage'?",
        ])
    }

    @Test func generatedNamesMayNotCollide() {
        let site = minimalSite + """
          node1-lan:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:31, network: lan, address: 192.168.1.31}
          node2:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:01:32, network: lan, address: 192.168.1.32}
              - {mac: 52:54:00:00:01:33, network: lan, address: 192.168.1.33, default_route: false}
        kubernetes:
          api: {name: node2}
        dns:
          nameservers: [node1]

        """
        #expect(diagnose(site.replacingOccurrences(of: "node1-lan:", with: "node2-lan:")) == [
            "site.yaml:27:57: error: DNS name 'node2-lan' of host 'node2' on network 'lan' is also the name of host 'node2-lan'",
            "site.yaml:22:57: note: the A record of host 'node2-lan' comes from here",
            "site.yaml:29:15: error: API name 'node2' is also the name of host 'node2'",
            "site.yaml:26:57: note: the A record of host 'node2' comes from here",
        ])
    }
}
