import Foundation
import Testing
@testable import IgnitionCompiler
@testable import InventoryGen

/// The zones, checked by BIND itself (Debian bind9-utils, bind9, bind9-dnsutils; `.ci/run`
/// installs them): named-checkzone with every check made fatal, named-checkconf -z, and a real
/// named answering dig on loopback.
@Suite(.serialized) struct BindConsumerTests {
    /// Every sample, and a site with what the samples lack: AAAA, MX, SRV, TXT, a VIP, a /20 and a
    /// classless network, a second address per host.
    static func sites() throws -> [(name: String, site: Site)] {
        var sites = try TestPaths.compilableSamples()
        sites.append(("dnsvariety", try compile(BindZoneTests.dnsSite)))
        let wide = minimalSite.replacingOccurrences(of: "192.168.1.0/24", with: "10.20.16.0/20")
            .replacingOccurrences(of: "192.168.1.", with: "10.20.17.")
        + """
        kubernetes:
          api: {name: api.k8s, vip: 10.20.18.1}
        dns:
          nameservers: [node1]
          records:
            - {name: "*.apps", type: CNAME, value: api.k8s}
            - {name: txt, type: TXT, value: "\(String(repeating: "x", count: 300)) é"}
          reverse: true

        """
        sites.append(("wide", try compile(wide)))
        return sites
    }

    static func zoneFiles(_ root: String) throws -> [(zone: String, file: String)] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/bind").sorted()
            .filter { $0.hasPrefix("db.") }
            .map { (String($0.dropFirst(3)), root + "/bind/" + $0) }
    }

    @Test func namedCheckzoneAcceptsEveryZone() throws {
        let checkzone = try RealConsumerTests.tool("named-checkzone", package: "bind9-utils")
        let checkconf = try RealConsumerTests.tool("named-checkconf", package: "bind9-utils")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var checked = 0
        for (name, site) in try Self.sites() {
            let out = dir.file(name)
            try OutputDirectory.write(buildAll(site, targets: [.bindZone]), to: out)
            for (zone, file) in try Self.zoneFiles(out) {
                let result = try runProcess(checkzone, ["-k", "fail", "-n", "fail", "-m", "fail", "-M", "fail", "-S", "fail",
                                                        "-r", "fail", "-i", "full", zone, file])
                #expect(result.status == 0, "\(name) \(zone): \(result.stdout)\(result.stderr)")
                #expect(result.stdout.hasSuffix("OK\n"), "\(result.stdout)")
                checked += 1
            }
            try "options { directory \"\(out)/bind\"; };\ninclude \"\(out)/bind/named.conf.zones\";\n"
                .write(toFile: out + "/named.conf", atomically: false, encoding: .utf8)
            let conf = try runProcess(checkconf, ["-z", out + "/named.conf"])
            #expect(conf.status == 0, "\(name): \(conf.stdout)\(conf.stderr)")
        }
        #expect(checked >= 24)  // lacave 2, lab 3, dnsvariety 3, wide 16 reverse + 1
    }

    /// A zone broken on purpose is refused, so the test above can fail.
    @Test func namedCheckzoneRefusesABrokenZone() throws {
        let checkzone = try RealConsumerTests.tool("named-checkzone", package: "bind9-utils")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let site = try compile(BindZoneTests.dnsSite)
        try OutputDirectory.write(buildAll(site, targets: [.bindZone]), to: dir.file("out"))
        let path = dir.file("out/bind/db.demo.example")
        let broken = try String(contentsOfFile: path, encoding: .utf8) + "mail\tIN\tCNAME\tnode1.demo.example.\n"
        try broken.write(toFile: dir.file("broken"), atomically: false, encoding: .utf8)
        let result = try runProcess(checkzone, ["-k", "fail", "-i", "full", "demo.example", dir.file("broken")])
        #expect(result.status != 0)
        #expect(result.stdout.contains("CNAME and other data"), "\(result.stdout)")
    }

    /// named serves the lacave zones on 127.0.0.1: an A record, a PTR, the API name's round robin
    /// (the control planes and an extra address, a worker's, whose PTR stays the worker's), and a
    /// name only the wildcard answers.
    @Test func namedAnswersOnLoopback() throws {
        let named = try RealConsumerTests.tool("named", package: "bind9")
        let dig = try RealConsumerTests.tool("dig", package: "bind9-dnsutils")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let loaded = Compiler.load(path: TestPaths.samples.appendingPathComponent("lacave/site.yaml").path,
                                   backends: InventoryGen.allBackends)
        let site = try #require(loaded.compilable)
        let out = dir.file("out")
        try OutputDirectory.write(buildAll(site, targets: [.bindZone]), to: out)
        let port = try freePort()
        try """
        options {
            directory "\(out)/bind";
            pid-file "\(dir.file("named.pid"))";
            listen-on port \(port) { 127.0.0.1; };
            listen-on-v6 { none; };
            recursion no;
            dnssec-validation no;
        };
        controls { };
        include "\(out)/bind/named.conf.zones";

        """.write(toFile: dir.file("named.conf"), atomically: false, encoding: .utf8)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: named)
        server.arguments = ["-g", "-n", "1", "-4", "-c", dir.file("named.conf")]
        let log = Pipe()
        server.standardOutput = log
        server.standardError = log
        try server.run()
        defer {
            // Stop it by its pid, and wait for it.
            kill(server.processIdentifier, SIGTERM)
            server.waitUntilExit()
        }
        func query(_ name: String, _ type: String) throws -> [String] {
            let result = try runProcess(dig, ["@127.0.0.1", "-p", String(port), "+short", "+tries=3", "+time=2", name, type])
            return result.stdout.split(separator: "\n").map(String.init)
        }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? query("lacave.info", "SOA"))?.isEmpty == false
            if !ready { usleep(100_000) }
        }
        #expect(ready, "named did not answer on port \(port)")
        #expect(try query("kube01.lacave.info", "A") == ["192.168.1.21"])
        #expect(try query("21.1.168.192.in-addr.arpa", "PTR") == ["kube01.lacave.info."])
        #expect(try query("kube.lacave.info", "A").sorted() == ["192.168.1.21", "192.168.1.22", "192.168.1.23"])
        #expect(try query("22.1.168.192.in-addr.arpa", "PTR") == ["kube02.lacave.info."])
        // The CNAME first, then the round-robin set in the order named rotates it to.
        let wildcard = try query("grafana.kube.lacave.info", "A")
        #expect(wildcard.first == "kube.lacave.info.")
        #expect(wildcard.dropFirst().sorted() == ["192.168.1.21", "192.168.1.22", "192.168.1.23"], "\(wildcard)")
        #expect(try query("nothing.lacave.info", "A") == [])
    }
}
