import Testing
@testable import IgnitionCompiler
import InventoryGen

/// The checks Kubespray's validate_inventory makes, reported by `igncc check` at their place.
@Suite struct KubesprayRulesTests {
    /// minimalSite with a `kubernetes` section from line 19 (line 22 with the extra host).
    static func with(_ kubernetes: String, extraHost: Bool = false) -> String {
        var text = minimalSite
        if extraHost {
            text += "  node2:\n    roles: [worker]\n    nics: [{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}]\n"
        }
        return text + "kubernetes:\n" + kubernetes
    }

    @Test func version() {
        #expect(diagnose(Self.with("  version: latest\n")) == [
            "site.yaml:20:12: error: Kubernetes version 'latest' must be MAJOR.MINOR.PATCH, such as '1.35.4'",
        ])
        #expect(diagnose(Self.with("  version: v1.35\n")) == [
            "site.yaml:20:12: error: Kubernetes version 'v1.35' must be MAJOR.MINOR.PATCH, such as '1.35.4'",
        ])
        #expect(diagnose(Self.with("  version: 1.35.04\n")) == [
            "site.yaml:20:12: error: Kubernetes version '1.35.04' must be MAJOR.MINOR.PATCH, such as '1.35.4'",
        ])
        #expect(diagnose(Self.with("  version: v1.35.4\n")) == [])
    }

    @Test func choices() {
        #expect(diagnose(Self.with("  network_plugin: calcio\n")) == [
            "site.yaml:20:19: error: 'calcio' is not a network plugin Kubespray supports; did you mean 'calico'?",
        ])
        #expect(diagnose(Self.with("  container_manager: podman\n")) == [
            "site.yaml:20:22: error: 'podman' is not a container manager Kubespray supports; expected one of 'docker', 'crio', 'containerd'",
        ])
        #expect(diagnose(Self.with("  vars:\n    kube_proxy_mode: ipvss\n")) == [
            "site.yaml:21:5: error: 'ipvss' is not a 'kube_proxy_mode' Kubespray supports; did you mean 'ipvs'?",
        ])
        #expect(diagnose(Self.with("  vars:\n    kube_proxy_mode: [ipvs]\n")) == [
            "site.yaml:21:5: error: 'kube_proxy_mode' must be one of 'iptables', 'ipvs', 'nftables'",
        ])
        #expect(diagnose(Self.with("  network_plugin: kube-ovn\n  container_manager: crio\n  vars: {kube_proxy_mode: nftables}\n")) == [])
    }

    @Test func nodeNetwork() {
        #expect(diagnose(Self.with("  node_network: lann\n")) == [
            "site.yaml:20:17: error: node network 'lann' is not declared under 'networks'; did you mean 'lan'?",
        ])
        #expect(diagnose(Self.with("  node_network: storage\n")) == [
            "site.yaml:20:17: error: node network 'storage' is not declared under 'networks'",
        ])
    }

    @Test func variablesIgnccWrites() {
        #expect(diagnose(Self.with("  vars:\n    kube_version: 1.30.0\n    ansible_user: ops\n    loadbalancer_apiserver: {}\n")) == [
            "site.yaml:21:5: error: 'kube_version' is written by igncc in group_vars/k8s_cluster from 'kubernetes.version'; set that instead of 'kubernetes.vars'",
            "site.yaml:22:5: error: 'ansible_user' is written by igncc in group_vars/all and host_vars from the hosts' 'user'; set that instead of 'kubernetes.vars'",
            "site.yaml:23:5: error: 'loadbalancer_apiserver' is written by igncc in group_vars/all from 'kubernetes.api.vip'; set that instead of 'kubernetes.vars'",
        ])
    }

    @Test func podsAndServicesOverlapEachOther() {
        #expect(diagnose(Self.with("  pods_cidr: 10.1.0.0/16\n  services_cidr: 10.1.128.0/20\n")) == [
            "site.yaml:21:18: error: services subnet 10.1.128.0/20 overlaps the pods subnet 10.1.0.0/16",
            "site.yaml:20:14: note: pods subnet declared here",
        ])
        #expect(diagnose(Self.with("  pods_cidr: 10.233.0.0/16\n")) == [
            "site.yaml:20:14: error: pods subnet 10.233.0.0/16 overlaps Kubespray's default services subnet 10.233.0.0/18; set 'kubernetes.services_cidr' to a free range",
        ])
        #expect(diagnose(Self.with("  services_cidr: 10.233.96.0/24\n")) == [
            "site.yaml:20:18: error: services subnet 10.233.96.0/24 overlaps Kubespray's default pods subnet 10.233.64.0/18; set 'kubernetes.pods_cidr' to a free range",
        ])
    }

    @Test func subnetsOverlapNetworks() {
        #expect(diagnose(Self.with("  pods_cidr: 192.168.0.0/16\n")) == [
            "site.yaml:20:14: error: pods subnet 192.168.0.0/16 overlaps network 'lan' (192.168.1.0/24)",
            "site.yaml:11:11: note: network 'lan' declared here",
        ])
        // A default subnet is not in site.yaml: the network it collides with is.
        let inServices = minimalSite.replacingOccurrences(of: "192.168.1.", with: "10.233.0.")
        #expect(diagnose(inServices) == [
            "site.yaml:11:11: error: network 'lan' (10.233.0.0/24) overlaps Kubespray's default services subnet 10.233.0.0/18; set 'kubernetes.services_cidr' to a free range",
        ])
        #expect(diagnose(inServices + "kubernetes: {services_cidr: 10.96.0.0/12}\n") == [])
    }

    @Test func podAddressSpace() {
        // flannel: a /24 per node (kube_network_node_prefix) in a /24 is one node.
        #expect(diagnose(Self.with("  network_plugin: flannel\n  pods_cidr: 10.240.0.0/24\n", extraHost: true)) == [
            "site.yaml:24:14: error: the pods subnet 10.240.0.0/24 has room for 1 node (blocks of /24, Kubespray's default 'kube_network_node_prefix'), but 2 hosts are control planes or workers",
        ])
        #expect(diagnose(Self.with("  network_plugin: flannel\n  pods_cidr: 10.240.0.0/24\n  vars: {kube_network_node_prefix: 25}\n",
                                   extraHost: true)) == [])
        // calico: blocks of calico_pool_blocksize.
        #expect(diagnose(Self.with("  pods_cidr: 10.240.0.0/26\n  vars:\n    calico_pool_blocksize: 26\n", extraHost: true)) == [
            "site.yaml:23:14: error: the pods subnet 10.240.0.0/26 has room for 1 node (blocks of /26, 'calico_pool_blocksize'), but 2 hosts are control planes or workers",
            "site.yaml:25:5: note: 'calico_pool_blocksize' set here",
        ])
        #expect(diagnose(Self.with("  vars:\n    calico_pool_blocksize: 16\n")) == [
            "site.yaml:21:5: error: 'calico_pool_blocksize' /16 is shorter than the pods subnet's /18",
        ])
        #expect(diagnose(Self.with("  pods_cidr: 10.240.0.0/28\n")) == [
            "site.yaml:20:14: error: Kubespray's default 'calico_pool_blocksize' /26 is shorter than the pods subnet's /28",
        ])
    }

    /// 257 nodes do not fit Kubespray's default pods subnet in Calico's default blocks: the
    /// first host that does not fit is blamed.
    @Test func podAddressSpaceAllDefaults() {
        var text = minimalSite.replacingOccurrences(of: "cidr: 192.168.1.0/24", with: "cidr: 192.168.0.0/16")
        for i in 2...257 {
            text += "  n\(i):\n    roles: [worker]\n    nics: [{mac: \(String(format: "52:54:00:00:%02x:%02x", i / 256, i % 256)), network: lan, address: 192.168.\(2 + i / 256).\(i % 256)}]\n"
        }
        let line = 19 + 3 * (257 - 2)
        #expect(diagnose(text) == [
            "site.yaml:\(line):3: error: the pods subnet 10.233.64.0/18 has room for 256 nodes (blocks of /26, Kubespray's default 'calico_pool_blocksize'), but 257 hosts are control planes or workers; set 'kubernetes.pods_cidr' to a larger range",
        ])
    }
}
