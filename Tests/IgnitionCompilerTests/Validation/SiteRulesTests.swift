import Foundation
import Testing
@testable import IgnitionCompiler

/// One test per validation rule, asserting the exact printed lines.
@Suite struct SiteRulesTests {
    /// The minimal site with a second host whose NIC line is `nic`.
    private func withNode2(_ nic: String, roles: String = "[worker]", extra: String = "") -> String {
        minimalSite + "  node2:\n    roles: \(roles)\n\(extra)    nics:\n      - \(nic)\n"
    }

    @Test func hostNameRules() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "  node1:", with: "  -node1:")) == [
            "site.yaml:15:3: error: host name '-node1' may not start or end with '-'",
        ])
        #expect(diagnose(minimalSite.replacingOccurrences(of: "  node1:", with: "  node_1:")) == [
            "site.yaml:15:3: error: host name 'node_1' may contain only letters, digits and '-'",
        ])
        let long = String(repeating: "a", count: 64)
        #expect(diagnose(minimalSite.replacingOccurrences(of: "  node1:", with: "  \(long):")) == [
            "site.yaml:15:3: error: host name '\(long)' has a label longer than 63 characters",
        ])
    }

    @Test func fqdnLengthIsBounded() {
        // A 250-character domain is valid; with "node1." in front the FQDN is 256.
        let label = String(repeating: "d", count: 63)
        let domain = [label, label, label, String(repeating: "e", count: 58)].joined(separator: ".")
        #expect(diagnose(minimalSite.replacingOccurrences(of: "domain: demo.example", with: "domain: \(domain)")) == [
            "site.yaml:15:3: error: 'node1.\(domain)' is longer than 253 characters",
        ])
    }

    @Test func hostNamesAreUniqueIgnoringCase() {
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}").replacingOccurrences(of: "  node2:", with: "  NODE1:")) == [
            "site.yaml:19:3: error: host name 'NODE1' must be lowercase (Kubernetes node names are)",
            "site.yaml:19:3: error: duplicate host name 'NODE1'",
            "site.yaml:15:3: note: 'node1' first defined here",
        ])
    }

    @Test func macRules() {
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01, network: lan}")) == [
            "site.yaml:22:15: error: '52:54:00:00:01' is not a MAC address (six hex bytes separated by ':' or '-', or three groups by '.')",
        ])
        #expect(diagnose(withNode2("{mac: 01:00:5e:00:00:01, network: lan}")) == [
            "site.yaml:22:15: error: MAC address '01:00:5e:00:00:01' is a multicast address; a NIC has a unicast one",
        ])
        #expect(diagnose(withNode2("{mac: 00-00-00-00-00-00, network: lan}")) == [
            "site.yaml:22:15: error: MAC address '00-00-00-00-00-00' is all zeros",
        ])
    }

    @Test func macsAreUniqueAcrossSpellings() {
        #expect(diagnose(withNode2("{mac: 5254.0000.0121, network: lan, address: 192.168.1.22}")) == [
            "site.yaml:22:15: error: MAC address 52:54:00:00:01:21 is used twice",
            "site.yaml:18:15: note: first used by host 'node1'",
        ])
    }

    @Test func addressRules() {
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 10.0.0.1}")) == [
            "site.yaml:22:57: error: address 10.0.0.1 is outside network 'lan' (192.168.1.0/24)",
            "site.yaml:11:11: note: network 'lan' declared here",
        ])
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.0}")) == [
            "site.yaml:22:57: error: address 192.168.1.0 is the network address of 192.168.1.0/24",
        ])
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.255}")) == [
            "site.yaml:22:57: error: address 192.168.1.255 is the broadcast address of 192.168.1.0/24",
        ])
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.1}")) == [
            "site.yaml:22:57: error: address 192.168.1.1 is the gateway of network 'lan'",
            "site.yaml:12:14: note: gateway declared here",
        ])
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.300}")) == [
            "site.yaml:22:57: error: '192.168.1.300' is not an IPv4 address (for 'address')",
        ])
    }

    /// NIC addresses are unique between hosts (and on one host); a DNS A record may name one.
    @Test func nicAddressesAreUnique() {
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.21}")) == [
            "site.yaml:22:57: error: address 192.168.1.21 is used twice",
            "site.yaml:18:57: note: first used by host 'node1'",
        ])
        #expect(diagnose(minimalSite.replacingOccurrences(of: "address: 192.168.1.21}\n", with: """
            address: 192.168.1.21}
                  - {mac: 52:54:00:00:02:21, network: lan, address: 192.168.1.21, default_route: false}

            """)) == [
            "site.yaml:19:57: error: address 192.168.1.21 is used twice",
            "site.yaml:18:57: note: first used by host 'node1'",
        ])
        #expect(diagnose(minimalSite + "dns:\n  nameservers: [ns.example.net.]\n  records:\n    - {name: db, type: A, value: 192.168.1.21}\n") == [])
    }

    @Test func addressInsideTheLibvirtDHCPRange() {
        let text = minimalSite.replacingOccurrences(of: "    dns: [192.168.1.10]\n", with: "    dns: [192.168.1.10]\n    libvirt: {dhcp_range: [192.168.1.20, 192.168.1.30]}\n")
        #expect(diagnose(text) == [
            "site.yaml:19:57: error: address 192.168.1.21 is inside the DHCP range 192.168.1.20-192.168.1.30 of network 'lan'",
            "site.yaml:14:28: note: DHCP range declared here",
        ])
    }

    @Test func networkRules() {
        let text = minimalSite
            .replacingOccurrences(of: "    gateway: 192.168.1.1\n", with: "    gateway: 192.168.2.1\n")
            .replacingOccurrences(of: "    dns: [192.168.1.10]\n", with: """
                dns: [192.168.1.10]
                libvirt: {bridge: virbr-far-too-long, dhcp_range: [192.168.1.250, 192.168.2.10]}
              other:
                cidr: 192.168.1.128/25
              hostbits:
                cidr: 10.0.0.1/8

            """)
        #expect(diagnose(text) == [
            "site.yaml:12:14: error: gateway 192.168.2.1 is outside network 'lan' (192.168.1.0/24)",
            "site.yaml:14:23: error: bridge name 'virbr-far-too-long' is longer than 15 characters",
            "site.yaml:14:71: error: DHCP range address 192.168.2.10 is outside network 'lan' (192.168.1.0/24)",
            "site.yaml:16:11: error: network 'other' (192.168.1.128/25) overlaps network 'lan' (192.168.1.0/24)",
            "site.yaml:11:11: note: 'lan' declared here",
            "site.yaml:18:11: error: '10.0.0.1/8' has host bits set; the network is '10.0.0.0/8'",
        ])
    }

    @Test func undeclaredNetworkSuggests() {
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lna, address: 192.168.1.22}")) == [
            "site.yaml:22:43: error: network 'lna' is not declared under 'networks'; did you mean 'lan'?",
        ])
    }

    @Test func sshKeyRules() {
        func key(_ line: String) -> [String] {
            diagnose(minimalSite.replacingOccurrences(
                of: "    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo", with: "    - \(line)"))
        }
        #expect(key("ssh-dss AAAAB3NzaC1kc3M= x") == ["site.yaml:8:7: error: unknown SSH key type 'ssh-dss'"])
        #expect(key("ssh-ed25519 not*base64 x") == ["site.yaml:8:7: error: the key data of this 'ssh-ed25519' key is not valid base64"])
        #expect(key("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 x") == [
            "site.yaml:8:7: error: the key data is a 'ssh-ed25519' key but the line says 'ssh-rsa'",
        ])
        #expect(key("ssh-ed25519") == ["site.yaml:8:7: error: the SSH key has no key data after 'ssh-ed25519'"])
        #expect(key("\"-----BEGIN OPENSSH PRIVATE KEY-----\"") == [
            "site.yaml:8:7: error: this is a private key; paste the public key (the '.pub' file) instead, and treat this one as leaked",
        ])
    }

    @Test func privateKeyAsABlockScalar() {
        let text = minimalSite.replacingOccurrences(
            of: "    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo",
            with: "    - |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n      b3BlbnNzaC1rZXktdjEAAAAA\n      -----END OPENSSH PRIVATE KEY-----")
        #expect(diagnose(text) == [
            "site.yaml:8:7: error: this is a private key; paste the public key (the '.pub' file) instead, and treat this one as leaked",
        ])
    }

    @Test func roleRules() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[master, etcd]")) == [
            "site.yaml:16:13: error: 'master' is not a valid 'roles'; expected one of 'control-plane', 'etcd', 'worker', 'calico-rr', 'bastion'",
        ])
        #expect(diagnose(minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[control-plane, worker]")) == [
            "site.yaml:15:3: error: no host has the role 'etcd'; the cluster needs at least one",
        ])
        #expect(diagnose(minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[control-plane, etcd, etcd]")) == [
            "site.yaml:16:34: error: role 'etcd' is listed twice for host 'node1'",
            "site.yaml:16:28: note: first listed here",
        ])
    }

    /// Kubespray's validate_inventory refuses an even etcd group, so igncc does too.
    @Test func evenEtcdCountIsAnError() {
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}", roles: "[etcd]")) == [
            "site.yaml:19:3: error: 2 hosts have the role 'etcd'; an even number tolerates no more failures than one fewer (use an odd number for quorum)",
        ])
        #expect(load(withNode2("{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}", roles: "[etcd]")).compilable == nil)
    }

    @Test func installDiskAndInterfaceNames() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "/dev/sda", with: "sda")) == [
            "site.yaml:6:17: error: install disk 'sda' must be a device path under /dev/",
        ])
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, name: eth/0, address: 192.168.1.22}")) == [
            "site.yaml:22:54: error: interface name 'eth/0' may not contain '/', ':', spaces or non-ASCII characters",
        ])
        #expect(diagnose(withNode2("{mac: 52:54:00:00:01:22, network: lan, name: enp0s20f0u1u2u3x, address: 192.168.1.22}")) == [
            "site.yaml:22:54: error: interface name 'enp0s20f0u1u2u3x' is longer than 15 characters",
        ])
    }

    /// A bad value in `defaults` is found once, however many hosts inherit it.
    @Test func badDefaultsAreFoundOnce() {
        let text = withNode2("{mac: 52:54:00:00:01:22, network: lan}")
            .replacingOccurrences(of: "/dev/sda", with: "sda")
            .replacingOccurrences(of: "  os: fcos\n", with: "  os: fcos\n  vm: {vcpus: 0}\n")
            .replacingOccurrences(of: "ssh-ed25519 AAAAC3", with: "ssh-rsa AAAAC3")
        let raw = load(text).diagnostics.all.map { "\($0.location!): \($0.message)" }
        #expect(raw == [
            "site.yaml:6:15: 'vcpus' must be positive, found 0",
            "site.yaml:7:17: install disk 'sda' must be a device path under /dev/",
            "site.yaml:9:7: the key data is a 'ssh-ed25519' key but the line says 'ssh-rsa'",
        ])
    }

    @Test func twoDefaultRoutesAreAnError() {
        let text = minimalSite.replacingOccurrences(of: "    dns: [192.168.1.10]\n", with: """
                dns: [192.168.1.10]
              wan:
                cidr: 10.0.0.0/24
                gateway: 10.0.0.1

            """) + "      - {mac: 52:54:00:00:02:21, network: wan, address: 10.0.0.21}\n"
        #expect(diagnose(text) == [
            "site.yaml:22:43: error: host 'node1' would get a second default route through network 'wan'; set 'default_route: false' on all but one NIC on a network with a gateway",
            "site.yaml:21:43: note: first default route through network 'lan'",
        ])
        #expect(diagnose(text.replacingOccurrences(of: "address: 10.0.0.21}", with: "address: 10.0.0.21, default_route: false}")) == [])
    }

    /// Every problem of a broken site is reported in one run, sorted by position.
    @Test func allProblemsAtOnce() {
        let text = withNode2("{mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21, name: \"bad name\"}", roles: "[etcd, wrker]")
            .replacingOccurrences(of: "/dev/sda", with: "sda")
        let lines = diagnose(text)
        #expect(lines == [
            "site.yaml:6:17: error: install disk 'sda' must be a device path under /dev/",
            "site.yaml:20:19: error: 'wrker' is not a valid 'roles'; expected one of 'control-plane', 'etcd', 'worker', 'calico-rr', 'bastion'; did you mean 'worker'?",
            "site.yaml:22:15: error: MAC address 52:54:00:00:01:21 is used twice",
            "site.yaml:18:15: note: first used by host 'node1'",
            "site.yaml:22:57: error: address 192.168.1.21 is used twice",
            "site.yaml:18:57: note: first used by host 'node1'",
            "site.yaml:22:77: error: interface name 'bad name' may not contain '/', ':', spaces or non-ASCII characters",
        ])
    }

    @Test func snippetAndCaretAreRendered() {
        let loaded = load(withNode2("{mac: 5254.0000.0121, network: lan}"))
        let text = loaded.diagnostics.sorted.map(DiagnosticRenderer(sources: loaded.sources).render).joined()
        #expect(text == """
        site.yaml:22:15: error: MAC address 52:54:00:00:01:21 is used twice
         22 |       - {mac: 5254.0000.0121, network: lan}
            |               ^
        site.yaml:18:15: note: first used by host 'node1'
         18 |       - {mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21}
            |               ^

        """)
    }
}
