import Testing
@testable import IgnitionCompiler
import InventoryGen

/// What Kubespray needs of the hosts and of `kubernetes.version`: the releases it installs, route
/// reflectors, the bastion, and an address for Ansible to connect to.
@Suite struct KubesprayHostRulesTests {
    static let range = "1.34.0–1.34.11, 1.35.0–1.35.8 and 1.36.0–1.36.4"

    /// Kubespray v2.31.0-96-g46dbdd399 has checksums for these patches only; validate_inventory
    /// stops on any other version (`v1.19.3` is the kube-lacave notes' version).
    @Test func versionOutsideKubespraysReleases() {
        for version in ["v1.19.3", "1.33.11", "1.34.12", "1.36.5", "1.37.0", "2.35.0"] {
            #expect(diagnose(KubesprayRulesTests.with("  version: \(version)\n")) == [
                "site.yaml:20:12: error: Kubernetes version '\(version)' is not one Kubespray v2.31.0-96-g46dbdd399 installs: its checksums cover \(Self.range)",
            ])
        }
        for version in ["1.34.0", "v1.34.11", "1.35.8", "1.36.4"] {
            #expect(diagnose(KubesprayRulesTests.with("  version: \(version)\n")) == [], "\(version)")
        }
    }

    /// minimalSite with a route reflector `rr1` (role at line 20, column 13) and `kubernetes` at line 22.
    static func withReflector(_ kubernetes: String, rrVars: String = "") -> String {
        minimalSite + "  rr1:\n    roles: [calico_rr]\n    nics: [{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}]\n"
            + rrVars + "kubernetes:\n" + kubernetes
    }

    @Test func routeReflectorsAreCalicos() {
        #expect(diagnose(Self.withReflector("  network_plugin: flannel\n  vars: {cluster_id: 1.0.0.1}\n")) == [
            "site.yaml:20:13: error: host 'rr1' is a Calico route reflector (role 'calico-rr'), but the network plugin is 'flannel': Kubespray would run calicoctl on it",
            "site.yaml:23:19: note: the network plugin",
        ])
        #expect(diagnose(Self.withReflector("  network_plugin: calico\n  vars: {cluster_id: 1.0.0.1}\n")) == [])
        #expect(diagnose(Self.withReflector("  all_vars: {cluster_id: 1.0.0.1}\n")) == [])
    }

    /// roles/network_plugin/calico/tasks/check.yml: the first control plane reads a `cluster_id`
    /// that is an IPv4 address; each reflector uses its own (rr/tasks/update-node.yml).
    @Test func routeReflectorsNeedAClusterID() {
        #expect(diagnose(Self.withReflector("  version: 1.35.4\n")) == [
            "site.yaml:20:13: error: Calico route reflectors need 'cluster_id' (an IPv4 address, such as '1.0.0.1') in 'kubernetes.vars': Kubespray's Calico check stops without it",
        ])
        #expect(diagnose(Self.withReflector("  vars: {cluster_id: rack-a}\n")) == [
            "site.yaml:23:10: error: 'cluster_id' must be an IPv4 address (the route reflectors' BGP cluster id), as Kubespray's Calico check requires",
        ])
        // The reflector's own value does not reach the first control plane.
        #expect(diagnose(Self.withReflector("  version: 1.35.4\n", rrVars: "    vars: {cluster_id: 1.0.0.2}\n")) == [
            "site.yaml:15:3: error: host 'node1' reads no 'cluster_id', which Kubespray's Calico check needs with route reflectors; set it in 'kubernetes.vars'",
        ])
        let vault = "$ANSIBLE_VAULT;1.1;AES256\n      6162\n"
        #expect(diagnose(Self.withReflector("  vars:\n    cluster_id: !vault |\n      \(vault)")) == [])
    }

    /// Kubespray counts every host of k8s_cluster, route reflectors too, against the pods subnet.
    @Test func routeReflectorsTakeAPodBlock() {
        #expect(diagnose(Self.withReflector("  pods_cidr: 10.240.0.0/26\n  vars: {cluster_id: 1.0.0.1}\n")) == [
            "site.yaml:23:14: error: the pods subnet 10.240.0.0/26 has room for 1 node (blocks of /26, Kubespray's default 'calico_pool_blocksize'), but 2 hosts are control planes, workers or route reflectors",
        ])
    }

    /// minimalSite with a bastion `name` (line 19, role at line 20 column 13) on `nic`, then `rest`.
    static func withBastion(_ name: String, nic: String, rest: String = "") -> String {
        minimalSite + "  \(name):\n    roles: [bastion]\n    nics: [\(nic)]\n" + rest
    }

    @Test func theBastionIsNamedBastionAndHasAnAddress() {
        #expect(diagnose(Self.withBastion("jump", nic: "{mac: 52:54:00:00:01:22, network: lan}")) == [
            "site.yaml:19:3: error: the bastion needs a static 'address': Kubespray's SSH proxy command connects to its 'ansible_host'",
            "site.yaml:20:13: error: Kubespray proxies SSH through the host named 'bastion' (hostvars['bastion'] in its 'ansible_ssh_common_args'), not 'jump': rename this host 'bastion'",
            "site.yaml:19:3: note: the host",
        ])
        #expect(diagnose(Self.withBastion("bastion", nic: "{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}")) == [])
    }

    /// Kubespray's ssh-bastion.conf lists the `ansible_host` of every host behind the bastion.
    @Test func behindABastionEveryHostNeedsAnAddress() {
        let yaml = Self.withBastion("bastion", nic: "{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}",
                                    rest: "  node3:\n    roles: [worker]\n    nics: [{mac: 52:54:00:00:01:23, network: lan}]\n")
        #expect(diagnose(yaml) == [
            "site.yaml:22:3: error: host 'node3' has no static address, so no 'ansible_host': Kubespray's SSH configuration for the bastion needs one for every host; give it a static 'address' on the node network",
            "site.yaml:19:3: note: the bastion",
        ])
    }

    /// Without a static address Ansible connects to the host's name, which the zone does not
    /// resolve: a warning, naming the node network when the site sets one.
    @Test func aHostWithoutAnAddressIsWarnedAbout() {
        let dhcp = minimalSite + "  node2:\n    roles: [worker]\n    nics: [{mac: 52:54:00:00:01:22, network: lan}]\n"
        #expect(diagnose(dhcp) == [noAddressWarning("node2", line: 19)])
        #expect(diagnose(dhcp + "kubernetes: {node_network: lan}\n") == [noAddressWarning("node2", line: 19, network: "network 'lan'")])
        // A NIC that could not be read is reported as such, and only so.
        #expect(diagnose(dhcp.replacingOccurrences(of: "52:54:00:00:01:22", with: "52:54:00:00:01")) == [
            "site.yaml:21:18: error: '52:54:00:00:01' is not a MAC address (six hex bytes separated by ':' or '-', or three groups by '.')",
        ])
    }
}
