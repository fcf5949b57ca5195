import Testing
@testable import IgnitionCompiler
@testable import InventoryGen

/// The exact text of out/kubespray for a small site that has each case once.
@Suite struct KubesprayRenderTests {
    /// A Flatcar worker with another user, labels and vars of its own, a DHCP worker, a VIP, vars
    /// of every type, and variables for every host.
    static let site = minimalSite + """
      node2:
        os: flatcar
        user: ops
        roles: [worker]
        labels: {disktype: ssd, tier: "yes"}
        nics:
          - {mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}
        vars:
          node_taints: ["nvidia.com/gpu=true:NoSchedule"]
          gpu: yes
      node3:
        roles: [worker]
        nics:
          - {mac: 52:54:00:00:01:23, network: lan}
    kubernetes:
      version: v1.35.4
      container_manager: containerd
      api: {name: api, vip: 192.168.1.5}
      vars:
        kube_proxy_mode: ipvs
        enable_nodelocaldns: no
        calico_mtu: 1440
        ratio: 1e3
        quoted: "on"
        list: [a, 1.5, "1.0", [b]]
        nested: {x: null, "y": [{k: v, w: 2}]}
      all_vars:
        http_proxy: http://proxy.demo.example:3128
        no_proxy: !unsafe "{{ x }}"

    """

    /// node3 has no static address.
    static let siteWarnings = [noAddressWarning("node3", line: 29)]

    static let header = "# Written by igncc from site 'demo'. Edit site.yaml and build again rather than this file.\n"

    static func files(_ yaml: String, warnings: [String] = []) throws -> [String: String] {
        let site = try compile(yaml, warnings: warnings)
        var result: [String: String] = [:]
        for file in buildAll(site, targets: [.kubespray]) where file.relativePath.hasPrefix("kubespray/") {
            result[String(file.relativePath.dropFirst("kubespray/".count))] = String(decoding: file.contents, as: UTF8.self)
        }
        return result
    }

    @Test func fileList() throws {
        #expect(try Self.files(Self.site, warnings: Self.siteWarnings).keys.sorted() == [
            "group_vars/all/all.yml", "group_vars/k8s_cluster/k8s-cluster.yml",
            "host_vars/node1.yml", "host_vars/node2.yml", "host_vars/node3.yml", "inventory.ini",
        ])
    }

    @Test func inventoryINI() throws {
        #expect(try Self.files(Self.site, warnings: Self.siteWarnings)["inventory.ini"] == Self.header + """

            [all]
            node1 ansible_host=192.168.1.21 ip=192.168.1.21 etcd_member_name=etcd1
            node2 ansible_host=192.168.1.22 ip=192.168.1.22
            node3

            [kube_control_plane]
            node1

            [etcd]
            node1

            [kube_node]
            node1
            node2
            node3

            [calico_rr]

            [k8s_cluster:children]
            kube_control_plane
            kube_node
            calico_rr

            """)
    }

    @Test func groupVariables() throws {
        let files = try Self.files(Self.site, warnings: Self.siteWarnings)
        #expect(files["group_vars/all/all.yml"] == Self.header + """
            ---
            ansible_user: core
            upstream_dns_servers:
              - "192.168.1.10"
            apiserver_loadbalancer_domain_name: api.demo.example
            loadbalancer_apiserver:
              address: "192.168.1.5"
              port: 6443
            http_proxy: http://proxy.demo.example:3128
            no_proxy: !unsafe "{{ x }}"

            """)
        #expect(files["group_vars/k8s_cluster/k8s-cluster.yml"] == Self.header + """
            ---
            kube_version: "1.35.4"
            kube_network_plugin: calico
            kube_pods_subnet: "10.233.64.0/18"
            kube_service_addresses: "10.233.0.0/18"
            cluster_name: cluster.local
            container_manager: containerd
            supplementary_addresses_in_ssl_keys:
              - api
              - api.demo.example
              - "192.168.1.5"
            kube_vip_enabled: true
            kube_vip_controlplane_enabled: true
            kube_vip_address: "192.168.1.5"
            kube_vip_arp_enabled: true
            kube_proxy_strict_arp: true
            kube_proxy_mode: ipvs
            enable_nodelocaldns: no
            calico_mtu: 1440
            ratio: 1e3
            quoted: "on"
            list:
              - a
              - 1.5
              - "1.0"
              -
                - b
            nested:
              x: null
              "y":
                - k: v
                  w: 2

            """)
    }

    @Test func hostVariables() throws {
        let files = try Self.files(Self.site, warnings: Self.siteWarnings)
        #expect(files["host_vars/node1.yml"] == Self.header + "---\nansible_python_interpreter: /usr/bin/python3\n")
        #expect(files["host_vars/node2.yml"] == Self.header + """
            ---
            ansible_python_interpreter: /opt/bin/python
            bin_dir: /opt/bin
            ansible_user: ops
            node_labels:
              disktype: ssd
              tier: "yes"
            node_taints:
              - "nvidia.com/gpu=true:NoSchedule"
            gpu: yes

            """)
    }

    /// Without a `kubernetes` section the inventory still builds, with Kubespray's defaults.
    @Test func withoutKubernetesSection() throws {
        let files = try Self.files(minimalSite)
        #expect(files["group_vars/all/all.yml"] == Self.header + "---\nansible_user: core\nupstream_dns_servers:\n  - \"192.168.1.10\"\n")
        #expect(files["group_vars/k8s_cluster/k8s-cluster.yml"] == Self.header + """
            ---
            kube_network_plugin: calico
            kube_pods_subnet: "10.233.64.0/18"
            kube_service_addresses: "10.233.0.0/18"
            cluster_name: cluster.local

            """)
    }

    /// The most common user is the group's; a tie goes to the first host's.
    @Test func commonUserTie() throws {
        let yaml = minimalSite + """
          node2:
            user: ops
            roles: [worker]
            nics: [{mac: 52:54:00:00:01:22, network: lan}]

        """
        let files = try Self.files(yaml, warnings: [noAddressWarning("node2", line: 19)])
        #expect(files["group_vars/all/all.yml"]?.contains("ansible_user: core\n") == true)
        #expect(files["host_vars/node2.yml"]?.contains("ansible_user: ops\n") == true)
        #expect(files["host_vars/node1.yml"]?.contains("ansible_user") == false)
    }

    @Test func scalarsStayStringsInYAML11() {
        for word in ["yes", "No", "ON", "off", "True", "null", "y", "N", "~", "1.35.4", "0x1F", "12:30", "", " a", "a: b",
                     "#x", "-", "*a", "&a", "!t", "@x", "`x", "%x", "a b", "1e3", ".inf", "=", "<<"] {
            #expect(YAMLWriter.string(word).hasPrefix("\""), "\(word)")
        }
        for word in ["calico", "cluster.local", "/opt/bin/python", "kube-ovn", "custom_cni", "node-role.kubernetes.io/x", "nan"] {
            #expect(YAMLWriter.string(word) == word)
        }
        #expect(YAMLWriter.string("tab\there \"q\" \\ \u{7}") == "\"tab\\there \\\"q\\\" \\\\ \\x07\"")
    }
}
