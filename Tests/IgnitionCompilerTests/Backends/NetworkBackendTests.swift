import Foundation
import Testing
@testable import IgnitionCompiler

@Suite struct NetworkBackendTests {
    private func documents(_ yaml: String, host: Int = 0) throws -> [String: IniDocument] {
        // The rules of the network target: a DHCP host is what Kubespray's would warn about.
        let site = try compile(yaml, backends: Compiler.coreBackends)
        var result: [String: IniDocument] = [:]
        for file in HostNetworkFiles.files(for: site.hosts[host], in: site) { result[file.fileName] = file.document }
        return result
    }

    @Test func staticKeyfile() throws {
        let docs = try documents(minimalSite.replacingOccurrences(of: "network: lan,", with: "network: lan, name: lan0,"))
        #expect(docs.keys.sorted() == ["10-lan0.link", "lan0.nmconnection"])
        let keyfile = try #require(docs["lan0.nmconnection"])
        #expect(keyfile.sections.map(\.name) == ["connection", "ethernet", "ipv4", "ipv6"])
        #expect(keyfile.render() == """
        [connection]
        id=lan0
        uuid=\(NameUUID.make("demo/node1/52:54:00:00:01:21"))
        type=ethernet
        interface-name=lan0

        [ethernet]
        mac-address=52:54:00:00:01:21

        [ipv4]
        address1=192.168.1.21/24,192.168.1.1
        dns=192.168.1.10;
        method=manual

        [ipv6]
        method=auto

        """)
    }

    @Test func dhcpKeyfileMatchesByMACOnly() throws {
        let docs = try documents(minimalSite.replacingOccurrences(of: ", address: 192.168.1.21}", with: "}"))
        let keyfile = try #require(docs["lan-525400000121.nmconnection"])
        #expect(keyfile.sections[0].entries.map(\.key) == ["id", "uuid", "type"])
        #expect(keyfile.sections[2] == .init("ipv4", [("dns", "192.168.1.10;"), ("method", "auto")]))
    }

    @Test func optOutOfTheDefaultRoute() throws {
        let docs = try documents(minimalSite.replacingOccurrences(of: "address: 192.168.1.21}", with: "address: 192.168.1.21, default_route: false}"))
        let keyfile = try #require(docs["lan-525400000121.nmconnection"])
        #expect(keyfile.sections[2] == .init("ipv4", [
            ("address1", "192.168.1.21/24"), ("dns", "192.168.1.10;"), ("method", "manual"), ("never-default", "true"),
        ]))
    }

    @Test func networkdUnits() throws {
        let flatcar = minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: flatcar\n")
        let unit = try #require(try documents(flatcar)["00-lan-525400000121.network"])
        #expect(unit.render() == """
        [Match]
        MACAddress=52:54:00:00:01:21

        [Network]
        Address=192.168.1.21/24
        Gateway=192.168.1.1
        DNS=192.168.1.10

        """)
        let dhcp = try #require(try documents(flatcar.replacingOccurrences(of: ", address: 192.168.1.21}", with: ", default_route: false}"))["00-lan-525400000121.network"])
        #expect(dhcp.sections.map(\.name) == ["Match", "Network", "DHCPv4"])
        #expect(dhcp.sections[1].entries.first?.key == "DHCP")
        #expect(dhcp.sections[2] == .init("DHCPv4", [("UseGateway", "no")]))
    }

    @Test func standaloneFilesArePrivate() throws {
        let site = try compile(minimalSite)
        let files = NetworkBackend.files(for: site)
        #expect(files.map(\.relativePath) == ["network/node1/lan-525400000121.nmconnection"])
        #expect(files.allSatisfy { $0.mode == 0o600 })
    }
}
