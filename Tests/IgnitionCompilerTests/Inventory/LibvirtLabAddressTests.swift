import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// The lab host's address on each bridge (issue 12, seed 002): given with `libvirt.address`, the
/// gateway by default, else the first free address, so that a network without a default route
/// can be NATed or served by DHCP in the lab; and `mode: bridge` onto an existing host bridge.
/// The XML is read back by libvirt itself (`virsh net-define` then `net-dumpxml`).
@Suite struct LibvirtLabAddressTests {
    /// lan: NAT with an explicit address off the gateway. storage: isolated, no gateway, a DHCP
    /// range at the bottom (first free after the range, the NIC and a DNS record). vswitch: NAT
    /// without gateway (first free after the NIC, the external VIP and an extra API address).
    /// uplink: the VMs on the lab host's own bridge br0, one static and one DHCP NIC.
    static let site = """
    version: 1
    site: rack
    domain: rack.example
    defaults:
      os: fcos
      install_disk: /dev/vda
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@rack
    networks:
      lan:
        cidr: 10.0.0.0/24
        gateway: 10.0.0.1
        libvirt: {mode: nat, bridge: virbr-lan, address: 10.0.0.254, dhcp_range: [10.0.0.200, 10.0.0.250]}
      storage:
        cidr: 10.9.0.0/24
        libvirt: {mode: isolated, dhcp_range: [10.9.0.1, 10.9.0.9]}
      vswitch:
        cidr: 10.118.11.0/24
        libvirt: {mode: nat}
      uplink:
        cidr: 192.168.50.0/24
        gateway: 192.168.50.1
        libvirt: {mode: bridge, bridge: br0}
    hosts:
      node1:
        roles: [control-plane, etcd, worker]
        nics:
          - {mac: 52:54:00:00:01:21, network: lan, address: 10.0.0.21}
          - {mac: 52:54:00:00:02:21, network: storage, address: 10.9.0.10}
          - {mac: 52:54:00:00:03:21, network: vswitch, address: 10.118.11.1}
      node2:
        roles: [worker]
        nics:
          - {mac: 52:54:00:00:04:22, network: uplink, address: 192.168.50.22}
      node3:
        roles: [worker]
        nics:
          - {mac: 52:54:00:00:04:23, network: uplink}
    kubernetes:
      api: {name: api, vip: 10.118.11.2, provider: external, extra_addresses: [10.118.11.3]}
    dns:
      nameservers: [ns.example.net.]
      records:
        - {name: nas, type: A, value: 10.9.0.11}

    """

    static func files() throws -> [String: String] {
        var result: [String: String] = [:]
        for file in buildAll(try compile(Self.site, warnings: [noAddressWarning("node3", line: 35)]), targets: [.libvirt, .network]) {
            result[file.relativePath] = String(decoding: file.contents, as: UTF8.self)
        }
        return result
    }

    @Test func addressesAndModes() throws {
        let files = try Self.files()
        let lan = try #require(files["libvirt/networks/lan.xml"])
        #expect(lan.contains("  <ip address='10.0.0.254' netmask='255.255.255.0'>\n"))
        #expect(files["libvirt/networks/storage.xml"] == """
            <network>
              <name>rack-storage</name>
              <uuid>\(LibvirtLabAddressTests.uuid("storage"))</uuid>
              <domain name='rack.example' localOnly='yes'/>
              <dns>
                <host ip='10.9.0.10'>
                  <hostname>node1-storage</hostname>
                  <hostname>node1-storage.rack.example</hostname>
                </host>
              </dns>
              <ip address='10.9.0.12' netmask='255.255.255.0'>
                <dhcp>
                  <range start='10.9.0.1' end='10.9.0.9'/>
                  <host mac='52:54:00:00:02:21' name='node1-storage' ip='10.9.0.10'/>
                </dhcp>
              </ip>
            </network>

            """)
        #expect(try #require(files["libvirt/networks/vswitch.xml"]).contains("""
              <forward mode='nat'/>
              <domain name='rack.example' localOnly='yes'/>
            """))
        #expect(try #require(files["libvirt/networks/vswitch.xml"]).contains("  <ip address='10.118.11.4' netmask='255.255.255.0'>\n"))
        // A host bridge: a name only; libvirt allows no address, DHCP, DNS or STP there.
        #expect(files["libvirt/networks/uplink.xml"] == """
            <network>
              <name>rack-uplink</name>
              <uuid>\(LibvirtLabAddressTests.uuid("uplink"))</uuid>
              <forward mode='bridge'/>
              <bridge name='br0'/>
            </network>

            """)
        #expect(try #require(files["libvirt/domains/node2.xml"]).contains("<source network='rack-uplink'/>"))
    }

    static func uuid(_ network: String) -> String { NameUUID.make("libvirt-network/rack/\(network)") }

    /// The lab address is the lab's business: a network without a gateway still gives its hosts
    /// no route through it.
    @Test func hostsRoutesAreUnchanged() throws {
        let keyfile = try #require(try Self.files()["network/node1/vswitch-525400000321.nmconnection"])
        #expect(keyfile.contains("address1=10.118.11.1/24\n"))
        #expect(!keyfile.contains("10.118.11.4"))
        #expect(!keyfile.contains("never-default") && !keyfile.contains("gateway"))
    }

    /// libvirt's schema accepts each network, and libvirt's parser keeps what igncc meant: the
    /// address, the forward mode, the bridge (read back with net-dumpxml from the test driver).
    @Test func libvirtReadsTheAddressAndTheMode() throws {
        let validate = try LibvirtConsumerTests.tool("virt-xml-validate", package: "libvirt-clients")
        _ = try LibvirtConsumerTests.tool("xmllint", package: "libxml2-utils")
        let virsh = try LibvirtConsumerTests.tool("virsh", package: "libvirt-clients")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try OutputDirectory.write(buildAll(try compile(Self.site, warnings: [noAddressWarning("node3", line: 35)]), targets: [.libvirt]), to: dir.file("out"))
        let expected: [(network: String, forward: String?, bridge: String?, ip: String?)] = [
            ("lan", "nat", "virbr-lan", "10.0.0.254"),
            ("storage", nil, nil, "10.9.0.12"),
            ("vswitch", "nat", nil, "10.118.11.4"),
            ("uplink", "bridge", "br0", nil),
        ]
        for (network, forward, bridge, ip) in expected {
            let path = dir.file("out/libvirt/networks/\(network).xml")
            let valid = try runProcess(validate, [path])
            #expect(valid.status == 0, "\(network): \(valid.stdout)\(valid.stderr)")
            // One virsh process: the test driver's state lives as long as it does.
            let result = try runProcess(virsh, ["-c", "test:///default", "net-define \(path); net-dumpxml rack-\(network)"])
            #expect(result.status == 0, "\(network): \(result.stdout)\(result.stderr)")
            let dumped = result.stdout
            #expect(CrossArtifactTests.attributes(of: "forward", in: dumped).first?["mode"] == forward, "\(network): \(dumped)")
            let ips = CrossArtifactTests.attributes(of: "ip", in: dumped)
            #expect(ips.map { $0["address"] } == (ip.map { [$0] } ?? []), "\(network): \(dumped)")
            if let bridge {
                #expect(CrossArtifactTests.attributes(of: "bridge", in: dumped).first?["name"] == bridge, "\(network): \(dumped)")
            }
        }
        // libvirt refuses what a bridge-mode network may not have: the control above can fail.
        let uplink = try String(contentsOfFile: dir.file("out/libvirt/networks/uplink.xml"), encoding: .utf8)
        let withSTP = uplink.replacingOccurrences(of: "<bridge name='br0'/>", with: "<bridge name='br0' stp='on' delay='0'/>")
        #expect(withSTP != uplink)
        try dir.write("stp.xml", withSTP)
        #expect(try runProcess(virsh, ["-c", "test:///default", "net-define", dir.file("stp.xml")]).status != 0)
    }
}
