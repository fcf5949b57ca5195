import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// out/kubespray as Ansible reads it: `ansible-inventory --list` (Debian's ansible-core) on every
/// sample and on a site with the cases the samples lack. Groups and every host's variables are
/// compared as JSON, so a string that YAML 1.1 would read as a number or boolean shows.
@Suite struct KubesprayConsumerTests {
    /// Flatcar hosts, labels (one that YAML 1.1 would read as a boolean), a second user, a VIP
    /// and an extra API address (both in the certificates' SANs), a node network not every host
    /// is on, a DHCP host, an etcd member outside k8s_cluster, DNS servers repeated across
    /// networks, and vars of several types.
    static let variety = """
    version: 1
    site: variety
    domain: variety.example
    defaults:
      os: flatcar
      install_disk: /dev/sda
      user: ops
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 ops@example
    networks:
      lan:
        cidr: 10.1.0.0/16
        gateway: 10.1.0.1
        dns: [10.1.0.2, 10.1.0.3]
      storage:
        cidr: 10.2.0.0/24
        dns: [10.1.0.3, 10.2.0.2]
    hosts:
      cp1:
        roles: [control-plane, etcd]
        labels: {zone: a, disktype: "on"}
        nics:
          - {mac: 52:54:00:bb:00:01, network: lan, address: 10.1.0.11}
          - {mac: 52:54:00:bb:00:02, network: storage, address: 10.2.0.11}
      etcd2:
        os: fcos
        user: core
        roles: [etcd]
        nics:
          - {mac: 52:54:00:bb:01:01, network: lan, address: 10.1.0.12}
      etcd3:
        roles: [etcd]
        nics:
          - {mac: 52:54:00:bb:02:01, network: lan}
      w1:
        roles: [worker]
        nics:
          - {mac: 52:54:00:bb:03:01, network: lan, address: 10.1.0.21}
          - {mac: 52:54:00:bb:03:02, network: storage, address: 10.2.0.21}
    kubernetes:
      version: v1.34.2
      network_plugin: cilium
      container_manager: containerd
      pods_cidr: 10.244.0.0/16
      services_cidr: 10.96.0.0/12
      node_network: storage
      api: {name: api, vip: 10.1.0.100, provider: external, extra_addresses: [10.2.0.100]}   # load balancers outside the node network
      vars:
        kube_proxy_mode: nftables
        enable_nodelocaldns: false
        kube_network_node_prefix: 24
        some_ratio: 1.5
        dashboard_enabled: "yes"

    """

    struct Expected {
        var groups: String
        /// Variables of every host, then of k8s_cluster's hosts.
        var all: String
        var cluster: String
        /// Per host: its own variables, and whether it is in k8s_cluster.
        var hosts: [(name: String, vars: String, inCluster: Bool)]
    }

    static let fcos = #""ansible_python_interpreter": "/usr/bin/python3""#
    static let flatcar = #""ansible_python_interpreter": "/opt/bin/python", "bin_dir": "/opt/bin""#

    static let expected: [String: Expected] = [
        "lacave": Expected(
            groups: #"""
                {"all": {"children": ["ungrouped", "etcd", "k8s_cluster"]},
                 "etcd": {"hosts": ["kube01", "kube02", "kube03"]},
                 "k8s_cluster": {"children": ["kube_control_plane", "kube_node", "calico_rr"]},
                 "kube_control_plane": {"hosts": ["kube01", "kube03"]},
                 "kube_node": {"hosts": ["kube01", "kube02", "kube03", "kube04"]}}
                """#,
            all: #"""
                {"ansible_user": "core", "upstream_dns_servers": ["192.168.1.10"],
                 "apiserver_loadbalancer_domain_name": "kube.lacave.info",
                 "project_name": "lacave", "global_domain_name": "{{ project_name }}.info"}
                """#,
            cluster: #"""
                {"kube_version": "1.35.4", "kube_network_plugin": "calico", "kube_pods_subnet": "10.233.64.0/18",
                 "kube_service_addresses": "10.233.0.0/18", "cluster_name": "cluster.local",
                 "supplementary_addresses_in_ssl_keys": ["kube", "kube.lacave.info", "192.168.1.22"], "kube_proxy_mode": "ipvs",
                 "kube_oidc_url": "https://login.kube.lacave.info/auth/realms/kubernetes", "kube_oidc_client_id": "kubelacave"}
                """#,
            hosts: [
                ("kube01", #"{"ansible_host": "192.168.1.21", "ip": "192.168.1.21", "etcd_member_name": "etcd1", \#(fcos)}"#, true),
                ("kube02", #"{"ansible_host": "192.168.1.22", "ip": "192.168.1.22", "etcd_member_name": "etcd2", \#(fcos)}"#, true),
                ("kube03", #"{"ansible_host": "192.168.1.23", "ip": "192.168.1.23", "etcd_member_name": "etcd3", \#(fcos)}"#, true),
                ("kube04", #"{"ansible_host": "192.168.1.24", "ip": "192.168.1.24", \#(flatcar), "node_labels": {"disktype": "ssd"}, "node_taints": ["storage=ssd:PreferNoSchedule"]}"#, true),
            ]),
        "lab": Expected(
            groups: #"""
                {"all": {"children": ["ungrouped", "etcd", "k8s_cluster"]},
                 "etcd": {"hosts": ["k8s-1", "k8s-2", "k8s-3"]},
                 "k8s_cluster": {"children": ["kube_control_plane", "kube_node", "calico_rr"]},
                 "kube_control_plane": {"hosts": ["k8s-1", "k8s-2", "k8s-3"]},
                 "kube_node": {"hosts": ["k8s-1", "k8s-2", "k8s-3"]}}
                """#,
            all: #"""
                {"ansible_user": "core", "upstream_dns_servers": ["10.118.10.1"],
                 "apiserver_loadbalancer_domain_name": "api.lab.internal",
                 "loadbalancer_apiserver": {"address": "10.118.11.100", "port": 6443}}
                """#,
            cluster: #"""
                {"kube_version": "1.35.4", "kube_network_plugin": "calico", "kube_pods_subnet": "10.233.64.0/18",
                 "kube_service_addresses": "10.233.0.0/18", "cluster_name": "cluster.local",
                 "supplementary_addresses_in_ssl_keys": ["api", "api.lab.internal", "10.118.11.100"],
                 "kube_vip_enabled": true, "kube_vip_controlplane_enabled": true, "kube_vip_address": "10.118.11.100",
                 "kube_vip_arp_enabled": true, "kube_vip_interface": "wan1", "kube_proxy_strict_arp": true}
                """#,
            hosts: [
                ("k8s-1", #"{"ansible_host": "10.118.10.20", "ip": "10.118.11.10", "etcd_member_name": "etcd1", \#(fcos)}"#, true),
                ("k8s-2", #"{"ansible_host": "10.118.10.21", "ip": "10.118.11.11", "etcd_member_name": "etcd2", \#(fcos)}"#, true),
                ("k8s-3", #"{"ansible_host": "10.118.10.22", "ip": "10.118.11.12", "etcd_member_name": "etcd3", \#(fcos)}"#, true),
            ]),
        "variety": Expected(
            groups: #"""
                {"all": {"children": ["ungrouped", "etcd", "k8s_cluster"]},
                 "etcd": {"hosts": ["cp1", "etcd2", "etcd3"]},
                 "k8s_cluster": {"children": ["kube_control_plane", "kube_node", "calico_rr"]},
                 "kube_control_plane": {"hosts": ["cp1"]},
                 "kube_node": {"hosts": ["w1"]}}
                """#,
            all: #"""
                {"ansible_user": "ops", "upstream_dns_servers": ["10.1.0.2", "10.1.0.3", "10.2.0.2"],
                 "apiserver_loadbalancer_domain_name": "api.variety.example",
                 "loadbalancer_apiserver": {"address": "10.1.0.100", "port": 6443}}
                """#,
            cluster: #"""
                {"kube_version": "1.34.2", "kube_network_plugin": "cilium", "kube_pods_subnet": "10.244.0.0/16",
                 "kube_service_addresses": "10.96.0.0/12", "cluster_name": "cluster.local", "container_manager": "containerd",
                 "supplementary_addresses_in_ssl_keys": ["api", "api.variety.example", "10.1.0.100", "10.2.0.100"],
                 "kube_proxy_mode": "nftables", "enable_nodelocaldns": false, "kube_network_node_prefix": 24,
                 "some_ratio": 1.5, "dashboard_enabled": "yes"}
                """#,
            hosts: [
                ("cp1", #"{"ansible_host": "10.1.0.11", "ip": "10.2.0.11", "etcd_member_name": "etcd1", \#(flatcar), "node_labels": {"zone": "a", "disktype": "on"}}"#, true),
                ("etcd2", #"{"ansible_host": "10.1.0.12", "etcd_member_name": "etcd2", \#(fcos), "ansible_user": "core"}"#, false),
                ("etcd3", #"{"etcd_member_name": "etcd3", \#(flatcar)}"#, false),
                ("w1", #"{"ansible_host": "10.1.0.21", "ip": "10.2.0.21", \#(flatcar)}"#, true),
            ]),
    ]

    static func sites() throws -> [(name: String, site: Site)] {
        // A k3s sample has no Kubespray inventory (K3sRulesTests).
        var sites = try TestPaths.compilableSamples().filter { !$0.site.isK3s }
        sites.append(("variety", try compile(variety, warnings: [noAddressWarning("etcd3", line: 31, network: "network 'storage'")])))
        return sites
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "not a JSON object: \(json)")
    }

    /// One spelling of a JSON value, keys sorted, so that equal values compare equal as text and
    /// a string never equals a number or a boolean.
    static func canonical(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    @Test func ansibleInventoryReadsEverySite() throws {
        let tool = try #require(which("ansible-inventory"),
                                "'ansible-inventory' is missing: install the Debian package 'ansible-core'")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("home/tmp"), withIntermediateDirectories: true)
        let sites = try Self.sites()
        #expect(sites.map(\.name).sorted() == Self.expected.keys.sorted(), "a sample without expectations here")
        for (name, site) in sites {
            try OutputDirectory.write(buildAll(site, targets: [.kubespray]), to: dir.file(name))
            let inventory = dir.file("\(name)/kubespray/inventory.ini")
            let result = try runProcess("/usr/bin/env", ["HOME=\(dir.file("home"))", "ANSIBLE_LOCAL_TEMP=\(dir.file("home/tmp"))",
                                                        "ANSIBLE_INVENTORY_ENABLED=ini", tool, "-i", inventory, "--list"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(!result.stderr.contains("WARNING"), "\(name): \(result.stderr)")
            var listed = try Self.object(result.stdout)
            let meta = try #require(listed.removeValue(forKey: "_meta") as? [String: Any])
            let hostvars = try #require(meta["hostvars"] as? [String: Any])
            guard let expected = Self.expected[name] else { continue }
            let groups = try Self.canonical(listed), wantedGroups = try Self.canonical(Self.object(expected.groups))
            #expect(groups == wantedGroups, "\(name): groups")
            #expect(hostvars.keys.sorted() == expected.hosts.map(\.name).sorted(), "\(name): hosts")
            let all = try Self.object(expected.all), cluster = try Self.object(expected.cluster)
            for host in expected.hosts {
                var vars = all
                if host.inCluster { vars.merge(cluster) { _, new in new } }
                vars.merge(try Self.object(host.vars)) { _, new in new }
                let actual = try Self.canonical(hostvars[host.name] ?? [:]), wanted = try Self.canonical(vars)
                #expect(actual == wanted, "\(name)/\(host.name)")
            }
        }
    }
}
