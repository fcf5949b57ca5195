import Foundation
import Testing
@testable import IgnitionCompiler
@testable import InventoryGen

/// `kubernetes.api.vip` made real by kube-vip (Kubespray's docs/ingress/kube-vip.md), checked
/// through the variables Ansible resolves for each control plane and the assertions Kubespray's
/// kube-vip task makes (roles/kubernetes/node/tasks/loadbalancer/kube-vip.yml).
@Suite struct KubeVIPTests {
    /// Three control planes on `lan` (pinned `lan0`, the default route) and `storage`, a worker.
    static func site(api: String, names: [String] = ["lan0", "lan0", "lan0"], vars: String = "") -> String {
        var hosts = ""
        for (i, name) in names.enumerated() {
            hosts += """
              cp\(i + 1):
                roles: [control-plane, etcd]
                nics:
                  - {mac: 52:54:00:00:02:0\(i + 1), name: \(name), network: lan, address: 10.0.0.1\(i + 1)}
                  - {mac: 52:54:00:00:03:0\(i + 1), network: storage, address: 10.9.0.1\(i + 1)}

            """
        }
        return """
        version: 1
        site: vip
        domain: vip.example
        defaults:
          os: fcos
          install_disk: /dev/sda
          ssh_authorized_keys:
            - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo
        networks:
          lan: {cidr: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.2]}
          storage: {cidr: 10.9.0.0/24}
        hosts:
        \(hosts)  w1:
            roles: [worker]
            nics:
              - {mac: 52:54:00:00:02:09, network: lan, address: 10.0.0.19}
        kubernetes:
          version: 1.35.4
          api: \(api)
        \(vars)
        dns:
          nameservers: [ns1]
          records:
            - {name: ns1, type: A, value: 10.0.0.2}

        """
    }

    /// Each host's variables as Ansible resolves them, and the value of an expression per host.
    static func ansible(_ yaml: String, expression: String) throws -> (vars: [String: Any], evaluated: [String: String]) {
        let inventoryTool = try AnsibleVarsTests.tool("ansible-inventory"), ansible = try AnsibleVarsTests.tool("ansible")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let site = try compile(yaml)
        try OutputDirectory.write(buildAll(site, targets: [.kubespray, .bindZone]), to: dir.file("out"))
        let inventory = dir.file("out/kubespray/inventory.ini")
        let listed = try AnsibleVarsTests.ansible(inventoryTool, ["-i", inventory, "--list"], home: dir)
        #expect(listed.status == 0, "\(listed.stderr)")
        let meta = try #require(try KubesprayConsumerTests.object(listed.stdout)["_meta"] as? [String: Any])
        let hostvars = try #require(meta["hostvars"] as? [String: Any])
        let result = try AnsibleVarsTests.ansible(ansible, ["-i", inventory, "all", "-m", "debug", "-a", "msg=\"\(expression)\""], home: dir)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        var evaluated: [String: String] = [:]
        // `host | SUCCESS => {\n    "msg": value\n}` per host.
        for block in result.stdout.components(separatedBy: "\n}") {
            guard let bar = block.range(of: " | SUCCESS => "), let msg = block.range(of: "\"msg\": ") else { continue }
            let host = block[..<bar.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            evaluated[host] = block[msg.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let zone = try String(contentsOfFile: dir.file("out/bind/db.vip.example"), encoding: .utf8)
        #expect(zone.split(separator: "\n").contains { $0.hasPrefix("api\t") && $0.hasSuffix("\t10.0.0.100") }, "\(zone)")
        return (hostvars, evaluated)
    }

    /// Kubespray's kube-vip task fails when this is true (kube_proxy_mode and kube_proxy_remove
    /// taken with Kubespray's defaults).
    static let kubesprayStops = "{{ (kube_proxy_mode | default('ipvs')) == 'ipvs' and not (kube_proxy_strict_arp | default(false)) "
        + "and not (kube_proxy_remove | default(false)) and (kube_vip_arp_enabled | default(false)) }}"

    @Test func arpModeWithOnePinnedInterface() throws {
        let (vars, stops) = try Self.ansible(Self.site(api: "{name: api, vip: 10.0.0.100}"), expression: Self.kubesprayStops)
        for host in ["cp1", "cp2", "cp3"] {
            let v = try #require(vars[host] as? [String: Any])
            #expect(v["kube_vip_enabled"] as? Bool == true)
            #expect(v["kube_vip_controlplane_enabled"] as? Bool == true)
            #expect(v["kube_vip_address"] as? String == "10.0.0.100")
            #expect(v["kube_vip_arp_enabled"] as? Bool == true)
            #expect(v["kube_vip_interface"] as? String == "lan0")
            #expect(v["kube_proxy_strict_arp"] as? Bool == true)
            let lb = try #require(v["loadbalancer_apiserver"] as? [String: Any])
            #expect(lb["address"] as? String == "10.0.0.100")
            #expect(lb["port"] as? Int == 6443)
            #expect((v["supplementary_addresses_in_ssl_keys"] as? [String])?.contains("10.0.0.100") == true)
            #expect(stops[host] == "false", "\(host): \(stops)")
        }
        // Every node, the worker too, reaches the API at the VIP's name.
        let worker = try #require(vars["w1"] as? [String: Any])
        #expect((worker["loadbalancer_apiserver"] as? [String: Any])?["address"] as? String == "10.0.0.100")
        #expect(worker["apiserver_loadbalancer_domain_name"] as? String == "api.vip.example")
    }

    @Test func interfacesNamedPerHost() throws {
        let (vars, _) = try Self.ansible(Self.site(api: "{name: api, vip: 10.0.0.100}", names: ["lan0", "eno1", "lan0"]),
                                         expression: "{{ kube_vip_interface | default('') }}")
        #expect((vars["cp1"] as? [String: Any])?["kube_vip_interface"] as? String == "lan0")
        #expect((vars["cp2"] as? [String: Any])?["kube_vip_interface"] as? String == "eno1")
        #expect((vars["w1"] as? [String: Any])?["kube_vip_interface"] == nil)
    }

    @Test func bgpMode() throws {
        let api = "{name: api, vip: 10.0.0.100, mode: bgp, bgp: {as: 65000, peers: [{address: 10.0.0.1, as: 65001, password: s3cret}]}}"
        let (vars, stops) = try Self.ansible(Self.site(api: api), expression: Self.kubesprayStops)
        let cp2 = try #require(vars["cp2"] as? [String: Any])
        #expect(cp2["kube_vip_bgp_enabled"] as? Bool == true)
        #expect(cp2["kube_vip_arp_enabled"] as? Bool == false)
        #expect(cp2["kube_vip_local_as"] as? Int == 65000)
        #expect(cp2["kube_vip_bgppeers"] as? [String] == ["10.0.0.1:65001:s3cret:false"])
        #expect(cp2["kube_vip_bgp_routerid"] as? String == "10.0.0.12")
        #expect(cp2["kube_proxy_strict_arp"] == nil)
        #expect(stops["cp2"] == "false")
    }

    @Test func externalProviderKeepsTheLoadBalancerOnly() throws {
        let (vars, _) = try Self.ansible(Self.site(api: "{name: api, vip: 10.0.0.100, provider: external}"), expression: "x")
        let cp1 = try #require(vars["cp1"] as? [String: Any])
        #expect(cp1.keys.filter { $0.hasPrefix("kube_vip") }.isEmpty)
        #expect((cp1["loadbalancer_apiserver"] as? [String: Any])?["address"] as? String == "10.0.0.100")
    }

    @Test func vipProblemsAreLocated() {
        #expect(diagnose(Self.site(api: "{name: api, vip: 10.9.0.100}")) == [
            "site.yaml:34:25: error: the API VIP 10.9.0.100 is outside 10.0.0.0/24, the node network of control plane 'cp1': kube-vip holds it on that network ('provider: external' if a load balancer answers elsewhere)",
            "site.yaml:10:15: note: network 'lan' declared here",
        ])
        #expect(diagnose(Self.site(api: "{name: api, vip: 10.0.0.1}")).first
                == "site.yaml:34:25: error: the API VIP 10.0.0.1 is the gateway of network 'lan'")
        #expect(diagnose(Self.site(api: "{name: api, mode: bgp}")) == [
            "site.yaml:34:26: error: 'mode' says how the API VIP is provided, but 'kubernetes.api' has no 'vip'",
        ])
        #expect(diagnose(Self.site(api: "{name: api, vip: 10.0.0.100, provider: external, mode: arp}")) == [
            "site.yaml:34:63: error: 'mode' is kube-vip's, but the VIP's provider is 'external'",
            "site.yaml:34:47: note: the provider",
        ])
        #expect(diagnose(Self.site(api: "{name: api, vip: 10.0.0.100, mode: bgp}")) == [
            "site.yaml:34:43: error: mode 'bgp' needs 'bgp' (the local AS and the peers)",
        ])
        #expect(diagnose(Self.site(api: "{name: api, vip: 10.0.0.100, bgp: {as: 1, peers: [{address: 10.0.0.1, as: 2}]}}")) == [
            "site.yaml:34:42: error: 'bgp' applies with 'mode: bgp'; kube-vip announces the VIP by ARP otherwise",
        ])
        // Settings igncc writes for kube-vip, and strict ARP in ipvs mode, are refused in vars.
        #expect(diagnose(Self.site(api: "{name: api, vip: 10.0.0.100}", vars: "  vars: {kube_vip_address: 10.0.0.5, kube_proxy_strict_arp: false}")) == [
            "site.yaml:35:10: error: 'kube_vip_address' is written by igncc in group_vars/k8s_cluster from 'kubernetes.api.vip'; set that instead of 'kubernetes.vars'",
            "site.yaml:34:25: note: igncc writes 'kube_vip_address' from this",
            "site.yaml:35:38: error: 'kube_proxy_strict_arp' is written by igncc in group_vars/k8s_cluster from 'kubernetes.api.vip' (kube-vip's ARP mode needs it with ipvs); remove it from 'kubernetes.vars'",
        ])
        #expect(diagnose(Self.site(api: "{name: api, vip: 10.0.0.100}", vars: "  vars: {kube_proxy_mode: iptables, kube_proxy_strict_arp: false}")) == [])
    }

    @Test func unpinnedNodeNetworkNICIsRefused() {
        // The node network is `storage`, which carries no default route: kube-vip would pick lan's.
        let yaml = Self.site(api: "{name: api, vip: 10.9.0.100}").replacingOccurrences(of: "  api: ", with: "  node_network: storage\n  api: ")
        let problems = diagnose(yaml)
        #expect(problems.count == 6, "\(problems)")
        #expect(problems.first == "site.yaml:17:9: error: kube-vip on 'cp1' would announce the API VIP on its default route's interface, not on this NIC of the node network: pin its name with 'name:'")
    }
}
