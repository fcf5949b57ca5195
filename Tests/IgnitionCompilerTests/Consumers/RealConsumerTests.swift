import Foundation
import Testing
@testable import IgnitionCompiler

/// What igncc writes, checked by the programs that consume it (Debian packages that
/// `.ci/run` installs): ignition-validate, nmcli and sha512sum.
@Suite struct RealConsumerTests {
    /// A site with the cases the samples lack: DHCP with and without a default route, a
    /// user other than `core`, a host on the newest spec.
    static let variety = """
    version: 1
    site: variety
    domain: variety.example
    defaults:
      os: fcos
      install_disk: /dev/sda
      user: ops
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 ops@example
    networks:
      lan:
        cidr: 10.1.0.0/16
        gateway: 10.1.0.1
        dns: [10.1.0.2, 10.1.0.3]
        search: [variety.example, example]
      storage:
        cidr: 10.2.0.0/24
        gateway: 10.2.0.1
    hosts:
      alpha:
        roles: [control-plane, etcd, worker]
        timezone: Europe/Paris
        nics:
          - {mac: 52:54:00:aa:00:01, network: lan}
          - {mac: 52:54:00:aa:00:02, network: storage, default_route: false}
      beta:
        os: flatcar
        roles: [worker]
        nics:
          - {mac: 52:54:00:aa:01:01, network: lan, address: 10.1.5.1, name: lan0}
          - {mac: 52:54:00:aa:01:02, network: storage, default_route: false}

    """

    static func sites() throws -> [(name: String, site: Site)] {
        var sites: [(String, Site)] = []
        for sample in TestPaths.sampleNames() {
            let loaded = Compiler.load(path: TestPaths.samples.appendingPathComponent("\(sample)/site.yaml").path)
            sites.append((sample, try #require(loaded.compilable)))
        }
        sites.append(("variety", try #require(load(variety).compilable)))
        return sites
    }

    static func tool(_ name: String, package: String) throws -> String {
        try #require(which(name), "'\(name)' is missing: install the Debian package '\(package)' (.ci/run does)")
    }

    /// Every config, built for spec 3.3.0 (the newest the Debian validator knows), validates.
    @Test func ignitionValidateAcceptsEveryConfig() throws {
        let validate = try Self.tool("ignition-validate", package: "ignition")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var checked = 0
        for (name, var site) in try Self.sites() {
            for i in site.hosts.indices { site.hosts[i].ignitionVersion.value = .v3_3_0 }
            // Snippets merge again, in the new version.
            site.mergedConfigs = [:]
            var diagnostics = Diagnostics()
            SnippetStage.run(&site, diagnostics: &diagnostics)
            #expect(!diagnostics.hasErrors)
            try OutputDirectory.write(testBuild(site), to: dir.file(name))
            for host in site.hosts {
                let path = dir.file("\(name)/ignition/\(host.name.value).ign")
                let result = try runProcess(validate, [path])
                #expect(result.status == 0, "\(name)/\(host.name.value): \(result.stdout)\(result.stderr)")
                #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
                checked += 1
            }
        }
        #expect(checked == 14)
    }

    /// NetworkManager reads every keyfile and keeps its MAC, name, addresses and DNS.
    @Test func nmcliAcceptsEveryKeyfile() throws {
        let nmcli = try Self.tool("nmcli", package: "network-manager")
        var checked = 0
        for (name, site) in try Self.sites() {
            for file in testBuild(site) where file.relativePath.hasSuffix(".nmconnection") {
                let text = String(decoding: file.contents, as: UTF8.self)
                let result = try runProcess(nmcli, ["--offline", "connection", "modify"], input: text)
                #expect(result.status == 0, "\(name)/\(file.relativePath): \(result.stderr)")
                let written = settings(text), read = settings(result.stdout)
                for key in ["connection.id", "connection.uuid", "connection.interface-name", "ipv4.address1",
                            "ipv4.dns", "ipv4.dns-search", "ipv4.method", "ipv4.never-default"] {
                    #expect(read[key] == written[key], "\(file.relativePath): \(key)")
                }
                // NetworkManager prints MACs in upper case.
                #expect(read["ethernet.mac-address"]?.lowercased() == written["ethernet.mac-address"], "\(file.relativePath)")
                #expect(written["ethernet.mac-address"] != nil)
                checked += 1
            }
        }
        #expect(checked == 15)
    }

    /// `section.key` → value of an INI text.
    private func settings(_ text: String) -> [String: String] {
        var section = ""
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("[") { section = String(line.dropFirst().dropLast()); continue }
            guard let eq = line.firstIndex(of: "=") else { continue }
            result["\(section).\(line[..<eq])"] = String(line[line.index(after: eq)...])
        }
        return result
    }

    /// `sha512sum -c` verifies every line of SHA512SUMS against the files written.
    @Test func sha512sumVerifiesTheTree() throws {
        let sha512sum = try Self.tool("sha512sum", package: "coreutils")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for (name, site) in try Self.sites() {
            let files = testBuild(site)
            try OutputDirectory.write(files, to: dir.file(name))
            let result = try runProcess(sha512sum, ["--strict", "-c", "SHA512SUMS"], directory: dir.file(name))
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").count == files.count - 1)
        }
    }
}
