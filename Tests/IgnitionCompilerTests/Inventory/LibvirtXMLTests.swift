import Testing
@testable import IgnitionCompiler
@testable import InventoryGen

/// The libvirt target's XML, as exact text: a NAT network with DNS names and DHCP reservations,
/// an isolated one without an address, and a Flatcar domain whose odd image path needs escaping.
@Suite struct LibvirtXMLTests {
    /// Three lab networks (NAT with a range; isolated with and without a gateway) and one that is
    /// not in the lab; node2 is Flatcar, sized, with an image path full of XML's special characters.
    static let site = """
    version: 1
    site: demo
    domain: demo.example
    defaults:
      os: fcos
      install_disk: /dev/sda
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo
    networks:
      lan:
        cidr: 192.168.1.0/24
        gateway: 192.168.1.1
        libvirt: {mode: nat, bridge: virbr-demo, dhcp_range: [192.168.1.200, 192.168.1.250]}
      storage:
        cidr: 10.9.0.0/24
        gateway: 10.9.0.1
        libvirt: {mode: isolated}
      backup:
        cidr: 10.7.0.0/24
        libvirt: {mode: isolated, bridge: virbr-backup}
      ipmi:
        cidr: 10.8.0.0/24
    hosts:
      node1:
        roles: [control-plane, etcd, worker]
        nics:
          - {mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21}
          - {mac: 52:54:00:00:02:21, network: storage, address: 10.9.0.21, default_route: false}
          - {mac: 52:54:00:00:03:21, network: ipmi, address: 10.8.0.21}
      node2:
        os: flatcar
        roles: [worker]
        vm: {memory_mib: 8192, vcpus: 4, disk_gib: 40, image: "/srv/it's <odd> & big.qcow2"}
        nics:
          - {mac: 52:54:00:00:01:22, network: lan}
          - {mac: 52:54:00:00:04:22, network: backup, address: 10.7.0.22}
    """

    static func files() throws -> [String: String] {
        let site = try compile(Self.site)
        var result: [String: String] = [:]
        for file in buildAll(site, targets: [.libvirt]) {
            result[file.relativePath] = String(decoding: file.contents, as: UTF8.self)
        }
        return result
    }

    @Test func writesOneFilePerLabNetworkAndVMAndTheScript() throws {
        #expect(try Self.files().keys.sorted() == [
            "SHA512SUMS", "libvirt/domains/node1.xml", "libvirt/domains/node2.xml", "libvirt/lab.sh",
            "libvirt/networks/backup.xml", "libvirt/networks/lan.xml", "libvirt/networks/storage.xml",
        ])
    }

    @Test func natNetworkWithNamesAndReservations() throws {
        #expect(try Self.files()["libvirt/networks/lan.xml"] == """
            <network>
              <name>demo-lan</name>
              <uuid>852a0acc-969f-595e-9bfb-246ffc4278a2</uuid>
              <forward mode='nat'/>
              <bridge name='virbr-demo' stp='on' delay='0'/>
              <domain name='demo.example' localOnly='yes'/>
              <dns>
                <host ip='192.168.1.21'>
                  <hostname>node1</hostname>
                  <hostname>node1.demo.example</hostname>
                </host>
              </dns>
              <ip address='192.168.1.1' netmask='255.255.255.0'>
                <dhcp>
                  <range start='192.168.1.200' end='192.168.1.250'/>
                  <host mac='52:54:00:00:01:21' name='node1' ip='192.168.1.21'/>
                </dhcp>
              </ip>
            </network>

            """)
    }

    /// No gateway: no <ip>, so no dnsmasq, so no <dns> either; no forward for isolated.
    @Test func isolatedNetworkWithoutGateway() throws {
        #expect(try Self.files()["libvirt/networks/backup.xml"] == """
            <network>
              <name>demo-backup</name>
              <uuid>96da5db3-6144-5fbf-9a7a-fd9d77cee3ca</uuid>
              <bridge name='virbr-backup' stp='on' delay='0'/>
              <domain name='demo.example' localOnly='yes'/>
            </network>

            """)
    }

    /// The secondary address is named as the zones name it: <host>-<network>.
    @Test func secondaryAddressesAreNamedAsInTheZones() throws {
        let text = try #require(try Self.files()["libvirt/networks/storage.xml"])
        #expect(text.contains("<hostname>node1-storage</hostname>"))
        #expect(text.contains("<host mac='52:54:00:00:02:21' name='node1-storage' ip='10.9.0.21'/>"))
        #expect(!text.contains("<forward"))
        #expect(!text.contains("<range"))
    }

    @Test func flatcarDomainWithEscapedImagePath() throws {
        #expect(try Self.files()["libvirt/domains/node2.xml"] == """
            <domain type='kvm'>
              <name>demo-node2</name>
              <uuid>3639da87-897e-58e3-a2ba-15b45546fca2</uuid>
              <memory unit='MiB'>8192</memory>
              <vcpu>4</vcpu>
              <sysinfo type='fwcfg'>
                <entry name='opt/org.flatcar-linux/config' file='/var/lib/libvirt/images/demo/node2.ign'/>
              </sysinfo>
              <os>
                <type arch='x86_64' machine='q35'>hvm</type>
                <boot dev='hd'/>
              </os>
              <features>
                <acpi/>
                <apic/>
              </features>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='/var/lib/libvirt/images/demo/node2.qcow2'/>
                  <backingStore type='file'>
                    <format type='qcow2'/>
                    <source file='/srv/it&apos;s &lt;odd&gt; &amp; big.qcow2'/>
                  </backingStore>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <interface type='network'>
                  <mac address='52:54:00:00:01:22'/>
                  <source network='demo-lan'/>
                  <model type='virtio'/>
                </interface>
                <interface type='network'>
                  <mac address='52:54:00:00:04:22'/>
                  <source network='demo-backup'/>
                  <model type='virtio'/>
                </interface>
                <serial type='pty'>
                  <target port='0'/>
                </serial>
                <console type='pty'>
                  <target type='serial' port='0'/>
                </console>
                <rng model='virtio'>
                  <backend model='random'>/dev/urandom</backend>
                </rng>
              </devices>
            </domain>

            """)
    }

    /// node1's NIC on 'ipmi' (no libvirt section) is not an interface of its VM.
    @Test func fcosDomainLeavesOutNICsOffTheLab() throws {
        let text = try #require(try Self.files()["libvirt/domains/node1.xml"])
        #expect(text.contains("<entry name='opt/com.coreos/config' file='/var/lib/libvirt/images/demo/node1.ign'/>"))
        #expect(text.contains("<source file='/var/lib/libvirt/images/fcos.qcow2'/>"))
        #expect(text.contains("52:54:00:00:01:21") && text.contains("52:54:00:00:02:21"))
        #expect(!text.contains("52:54:00:00:03:21"))
    }

    @Test func uuidsAreStableAndDistinct() throws {
        let site = try compile(Self.site)
        let lab = LibvirtLab(site)
        #expect(LibvirtLab.domainUUID(site: site, host: site.hosts[0]) == "df589da8-2349-548e-9b91-f0e06005e542")
        #expect(LibvirtLab.domainUUID(site: site, host: site.hosts[1]) != LibvirtLab.domainUUID(site: site, host: site.hosts[0]))
        #expect(lab.domainElement(lab.domains[0]).child("uuid") == XML.Element("uuid", text: "df589da8-2349-548e-9b91-f0e06005e542"))
    }

    @Test func writerEscapesTextAndAttributes() {
        let element = XML.Element("a", [("v", "x'y\"z<&>\tw\n")], elements: [
            XML.Element("b", text: "1 < 2 && 'q' > \"p\""),
            XML.Element("c"),
        ])
        #expect(XMLWriter.render(element) == """
            <a v='x&apos;y&quot;z&lt;&amp;&gt;&#9;w&#10;'>
              <b>1 &lt; 2 &amp;&amp; 'q' &gt; "p"</b>
              <c/>
            </a>

            """)
    }

    @Test func imageMustBeAnAbsolutePath() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "  install_disk: /dev/sda\n",
                                                          with: "  install_disk: /dev/sda\n  vm: {image: fcos.qcow2}\n")) == [
            "site.yaml:7:15: error: 'image' must be an absolute path, found 'fcos.qcow2'",
        ])
    }
}
