import Foundation
import Testing
@testable import IgnitionCompiler
@testable import InventoryGen

/// `--target dnsmasq` and `--target kea`: the exact files for a site with what the samples lack,
/// and every file (the samples' too) as the real servers read it: `dnsmasq --test` and
/// `kea-dhcp4 -t` (Debian's dnsmasq-base and kea-dhcp4-server; `scripts/install-deps` installs
/// them). What the servers then hand out is `DHCPLeaseTests`'.
@Suite struct DHCPConfigTests {
    /// lan: a pool, a 90-minute lease, two DNS servers and search domains, PXE through a TFTP
    /// server; node2 has two static NICs there and a DHCP NIC on storage. storage: no gateway, no
    /// DNS, reservations only, infinite leases, no PXE. mgmt: no `dhcp`, so nothing.
    static let site = """
    version: 1
    site: rack
    domain: rack.example
    defaults:
      os: fcos
      install_disk: /dev/sda
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@rack
    networks:
      lan:
        cidr: 10.0.0.0/24
        gateway: 10.0.0.1
        dns: [10.0.0.2, 10.0.0.3]
        search: [rack.example, example.org]
        dhcp: {range: [10.0.0.100, 10.0.0.199], lease: 90m, next_server: 10.0.0.2}
      storage:
        cidr: 10.9.0.0/24
        dhcp: {lease: infinite, pxe: false}
      mgmt:
        cidr: 10.8.0.0/24
    hosts:
      node1:
        roles: [control-plane, etcd, worker]
        nics:
          - {mac: 52:54:00:00:01:21, network: lan, address: 10.0.0.21}
          - {mac: 52:54:00:00:02:21, network: storage, address: 10.9.0.21}
          - {mac: 52:54:00:00:03:21, network: mgmt, address: 10.8.0.21}
      node2:
        roles: [worker]
        nics:
          - {mac: 52:54:00:00:01:22, network: lan, address: 10.0.0.22}
          - {mac: 52:54:00:00:04:22, name: lan1, network: lan, address: 10.0.0.32, default_route: false}
          - {mac: 52:54:00:00:02:22, network: storage}
    serve:
      base_url: http://10.0.0.2:8080/

    """

    static func files(_ yaml: String = site, targets: [BuildTarget] = [.dnsmasq, .kea]) throws -> [String: OutputFile] {
        var result: [String: OutputFile] = [:]
        for file in buildAll(try compile(yaml), targets: targets) { result[file.relativePath] = file }
        return result
    }

    @Test func dnsmasqConfiguration() throws {
        let file = try #require(try Self.files()["dnsmasq/rack.conf"])
        #expect(file.mode == 0o644)
        #expect(String(decoding: file.contents, as: UTF8.self) == """
            # dnsmasq configuration of site 'rack', written by igncc: DHCP for the networks with a
            # 'dhcp' section. Use it with conf-file= or in /etc/dnsmasq.d/, with interface= (or --interface)
            # naming where to listen. DNS is off (port=0): the site's names are in its BIND zones.
            port=0

            # PXE: BIOS firmware (client architecture 0) gets undionly.kpxe and x86-64 UEFI (7, 9)
            # ipxe.efi by TFTP from /usr/lib/ipxe; iPXE (user class 'iPXE') gets igncc serve's boot script.
            dhcp-userclass=set:ipxe,iPXE
            dhcp-match=set:bios,option:client-arch,0
            dhcp-match=set:efi-x86_64,option:client-arch,7
            dhcp-match=set:efi-x86_64,option:client-arch,9
            enable-tftp
            tftp-root=/usr/lib/ipxe

            # network 'lan' (10.0.0.0/24)
            dhcp-range=set:net-lan,10.0.0.100,10.0.0.199,255.255.255.0,90m
            dhcp-option=tag:net-lan,option:router,10.0.0.1
            dhcp-option=tag:net-lan,option:dns-server,10.0.0.2,10.0.0.3
            dhcp-option=tag:net-lan,option:domain-name,rack.example
            dhcp-option=tag:net-lan,option:domain-search,rack.example,example.org
            dhcp-boot=tag:net-lan,tag:!ipxe,tag:bios,undionly.kpxe,,10.0.0.2
            dhcp-boot=tag:net-lan,tag:!ipxe,tag:efi-x86_64,ipxe.efi,,10.0.0.2
            dhcp-boot=tag:net-lan,tag:ipxe,http://10.0.0.2:8080/boot.ipxe
            dhcp-host=52:54:00:00:01:21,10.0.0.21,node1
            dhcp-host=52:54:00:00:01:22,10.0.0.22,node2
            dhcp-host=52:54:00:00:04:22,10.0.0.32,node2-lan

            # network 'storage' (10.9.0.0/24): reservations only
            dhcp-range=set:net-storage,10.9.0.0,static,255.255.255.0,infinite
            dhcp-option=tag:net-storage,option:router
            dhcp-option=tag:net-storage,option:domain-name,rack.example
            dhcp-host=52:54:00:00:02:21,10.9.0.21,node1-storage

            """)
    }

    /// Kea's document, read back as JSON: one subnet per `dhcp` network with the network's address
    /// as its id, the PXE classes where PXE is served, the same reservations as dnsmasq's.
    @Test func keaConfiguration() throws {
        let file = try #require(try Self.files()["kea/kea-dhcp4.json"])
        #expect(file.mode == 0o644)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(file.contents)) as? [String: Any])
        let dhcp4 = try #require(root["Dhcp4"] as? [String: Any])
        #expect((dhcp4["interfaces-config"] as? [String: Any])?["interfaces"] as? [String] == ["*"])
        #expect((dhcp4["lease-database"] as? [String: Any])?["type"] as? String == "memfile")
        let classes = try #require(dhcp4["client-classes"] as? [[String: Any]])
        #expect(classes.map { $0["name"] as? String } == ["ipxe", "pxe-bios", "pxe-efi-x86_64"])
        #expect(classes.map { $0["boot-file-name"] as? String } == ["http://10.0.0.2:8080/boot.ipxe", "undionly.kpxe", "ipxe.efi"])
        #expect(classes.allSatisfy { $0["only-if-required"] as? Bool == true })
        let subnets = try #require(dhcp4["subnet4"] as? [[String: Any]])
        #expect(subnets.map { $0["subnet"] as? String } == ["10.0.0.0/24", "10.9.0.0/24"])
        // 10.0.0.0 and 10.9.0.0 as 32-bit numbers.
        #expect(subnets.map { $0["id"] as? Int } == [167_772_160, 168_361_984])
        #expect(subnets.map { $0["valid-lifetime"] as? Int } == [5400, 4_294_967_295])
        #expect((subnets[0]["pools"] as? [[String: String]]) == [["pool": "10.0.0.100 - 10.0.0.199"]])
        #expect(subnets[1]["pools"] == nil)
        #expect(subnets[0]["next-server"] as? String == "10.0.0.2")
        #expect(subnets[0]["require-client-classes"] as? [String] == ["ipxe", "pxe-bios", "pxe-efi-x86_64"])
        #expect(subnets[1]["next-server"] == nil && subnets[1]["require-client-classes"] == nil)
        #expect(subnets[0]["option-data"] as? [[String: String]] == [
            ["name": "routers", "data": "10.0.0.1"],
            ["name": "domain-name-servers", "data": "10.0.0.2, 10.0.0.3"],
            ["name": "domain-name", "data": "rack.example"],
            ["name": "domain-search", "data": "rack.example, example.org"],
        ])
        #expect(subnets[1]["option-data"] as? [[String: String]] == [["name": "domain-name", "data": "rack.example"]])
        #expect(subnets[0]["reservations"] as? [[String: String]] == [
            ["hw-address": "52:54:00:00:01:21", "ip-address": "10.0.0.21", "hostname": "node1"],
            ["hw-address": "52:54:00:00:01:22", "ip-address": "10.0.0.22", "hostname": "node2"],
            ["hw-address": "52:54:00:00:04:22", "ip-address": "10.0.0.32", "hostname": "node2-lan"],
        ])
        #expect(subnets[1]["reservations"] as? [[String: String]] == [
            ["hw-address": "52:54:00:00:02:21", "ip-address": "10.9.0.21", "hostname": "node1-storage"],
        ])
    }

    /// Without `next_server` Kea can send PXE firmware nowhere: only the iPXE class is written
    /// (and the build warns); dnsmasq then serves TFTP itself, from its own address.
    @Test func withoutNextServer() throws {
        let yaml = Self.site.replacingOccurrences(of: ", next_server: 10.0.0.2}", with: "}")
        let warning = "site.yaml:15:5: warning: Kea serves no TFTP, and network 'lan' names no 'next_server': in out/kea/kea-dhcp4.json only iPXE clients get a boot file there, not PXE firmware; set 'next_server' to the TFTP server of undionly.kpxe and ipxe.efi"
        let loaded = load(yaml, backends: InventoryGen.allBackends)
        let site = try #require(loaded.compilable)
        let checked = Compiler.check(site, targets: [.kea], explicit: false, backends: InventoryGen.allBackends)
        #expect(checked.sorted.map { DiagnosticRenderer(sources: loaded.sources).render($0).split(separator: "\n")[0] } == [Substring(warning)])
        let files = buildAll(site, targets: [.dnsmasq, .kea])
        let kea = String(decoding: try #require(files.first { $0.relativePath == "kea/kea-dhcp4.json" }).contents, as: UTF8.self)
        #expect(!kea.contains("pxe-bios") && !kea.contains("next-server") && kea.contains("\"ipxe\""))
        let dnsmasq = String(decoding: try #require(files.first { $0.relativePath == "dnsmasq/rack.conf" }).contents, as: UTF8.self)
        #expect(dnsmasq.contains("\ndhcp-boot=tag:net-lan,tag:!ipxe,tag:bios,undionly.kpxe\n"))
    }

    /// A site without `dhcp` anywhere: neither target writes a file (naming one is an error:
    /// `DHCPRulesTests.targetChecks`).
    @Test func noDHCPNoFiles() throws {
        #expect(try Self.files(minimalSite).keys.sorted() == [Checksums.fileName])
    }

    /// The lab host's first free address on a network without gateway skips the DHCP pool (.1-.20)
    /// and the NIC (.21).
    @Test func labAddressSkipsThePool() throws {
        let yaml = Self.site.replacingOccurrences(of: "    dhcp: {lease: infinite, pxe: false}\n",
                                                  with: "    dhcp: {range: [10.9.0.1, 10.9.0.20], pxe: false}\n    libvirt: {mode: nat}\n")
        let network = try #require(try Self.files(yaml, targets: [.libvirt])["libvirt/networks/storage.xml"])
        #expect(String(decoding: network.contents, as: UTF8.self).contains("<ip address='10.9.0.22' netmask='255.255.255.0'>"))
    }

    /// The sites the real servers check: every sample, this suite's, and its variant without a TFTP server.
    static func sites() throws -> [(name: String, site: Site)] {
        var sites = try TestPaths.compilableSamples()
        sites.append(("rack", try compile(Self.site)))
        sites.append(("rack-no-next-server", try #require(load(Self.site.replacingOccurrences(of: ", next_server: 10.0.0.2}", with: "}"),
                                                               backends: InventoryGen.allBackends).compilable)))
        return sites
    }

    @Test func dnsmasqTestAcceptsEveryConfiguration() throws {
        let dnsmasq = try RealConsumerTests.tool("dnsmasq", package: "dnsmasq-base")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var checked = 0
        for (name, site) in try Self.sites() {
            for file in buildAll(site, targets: [.dnsmasq]) where file.relativePath.hasPrefix("dnsmasq/") {
                let path = dir.file("\(name).conf")
                try Data(file.contents).write(to: URL(fileURLWithPath: path))
                let result = try runProcess(dnsmasq, ["--test", "-C", path])
                #expect(result.status == 0, "\(name): \(result.stdout)\(result.stderr)")
                #expect(result.stderr.contains("syntax check OK"), "\(name): \(result.stderr)")
                checked += 1
            }
        }
        #expect(checked >= 3)
        // The check can fail: dnsmasq refuses a misspelt option.
        let broken = try String(contentsOfFile: dir.file("rack.conf"), encoding: .utf8).replacingOccurrences(of: "dhcp-range=", with: "dhcp-rnage=")
        try dir.write("broken.conf", broken)
        #expect(try runProcess(dnsmasq, ["--test", "-C", dir.file("broken.conf")]).status != 0)
    }

    @Test func keaCheckAcceptsEveryConfiguration() throws {
        let kea = try RealConsumerTests.tool("kea-dhcp4", package: "kea-dhcp4-server")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var checked = 0
        for (name, site) in try Self.sites() {
            for file in buildAll(site, targets: [.kea]) where file.relativePath.hasPrefix("kea/") {
                let path = dir.file("\(name).json")
                try Data(file.contents).write(to: URL(fileURLWithPath: path))
                let result = try runProcess(kea, ["-t", path])
                #expect(result.status == 0, "\(name): \(result.stdout)\(result.stderr)")
                checked += 1
            }
        }
        #expect(checked >= 3)
        // The check can fail: Kea refuses a pool outside its subnet.
        let broken = try String(contentsOfFile: dir.file("rack.json"), encoding: .utf8)
            .replacingOccurrences(of: "10.0.0.100 - 10.0.0.199", with: "10.1.0.100 - 10.1.0.199")
        try dir.write("broken.json", broken)
        #expect(try runProcess(kea, ["-t", dir.file("broken.json")]).status != 0)
    }
}
