import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// `kubernetes.distribution: k3s`: the schema of `kubernetes.k3s` and of the k3s maps, and the
/// rules over roles and settings, each asserting the exact printed lines.
@Suite struct K3sRulesTests {
    /// The minimal site with one server (node1, lines 15–18), `hosts` more hosts from line 19, then
    /// `kubernetes:` with `distribution: k3s`, `kubernetes` more keys of it, and `k3s:` with its
    /// version, followed by `k3s` more keys of `kubernetes.k3s`.
    private func k3sSite(hosts: String = "", kubernetes: String = "", k3s: String = "") -> String {
        minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[control-plane, worker]")
            + hosts + "kubernetes:\n  distribution: k3s\n" + kubernetes + "  k3s:\n    version: v1.33.4+k3s1\n" + k3s
    }

    /// An agent host named `name` with address .`n` (four lines), with `extra` lines before its NICs.
    private func agent(_ name: String, _ n: Int, roles: String = "[worker]", extra: String = "") -> String {
        "  \(name):\n    roles: \(roles)\n\(extra)    nics:\n      - {mac: 52:54:00:00:01:\(n), network: lan, address: 192.168.1.\(n)}\n"
    }

    /// Seed 000's settings: site-wide secrets encryption, SANs and an apiserver argument; a GPU
    /// agent with the nvidia runtime and a label. No `etcd` role: the servers embed it.
    @Test func seedSettingsAreAccepted() throws {
        let text = k3sSite(
            hosts: agent("gpu1", 31, extra: "    k3s:\n      default-runtime: nvidia\n      node-label: [gpu=nvidia]\n      node-taint: ['nvidia.com/gpu=true:NoSchedule']\n"),
            k3s: """
                config:
                  secrets-encryption: true
                  tls-san: [kubernetes.rloc, cloud.rloc]
                  kube-apiserver-arg:
                    - enable-admission-plugins=ExtendedResourceToleration

            """)
        let site = try compile(text)
        let k3s = try #require(site.kubernetes?.k3s)
        #expect(site.isK3s)
        #expect(k3s.version.value == "v1.33.4+k3s1")
        #expect(k3s.config.map(\.key.value) == ["secrets-encryption", "tls-san", "kube-apiserver-arg"])
        #expect(k3s.config[1].value == .list([.scalar(ConfigScalar("kubernetes.rloc")), .scalar(ConfigScalar("cloud.rloc"))], tag: nil))
        let gpu = try #require(site.hosts.first { $0.name.value == "gpu1" })
        #expect(!gpu.isK3sServer && site.hosts[0].isK3sServer)
        #expect(gpu.k3s.map(\.key.value) == ["default-runtime", "node-label", "node-taint"])
        #expect(gpu.k3s[2].value == .list([.scalar(ConfigScalar("nvidia.com/gpu=true:NoSchedule", style: .singleQuoted))], tag: nil))
    }

    @Test func roleMapsAreKeptInSourceOrder() throws {
        let text = k3sSite(hosts: agent("node2", 22)).replacingOccurrences(of: "hosts:\n", with: """
            roles:
              worker:
                k3s: {kubelet-arg: [max-pods=200]}
              control-plane:
                k3s: {disable: [traefik], etcd-snapshot-retention: 10}
            hosts:

            """)
        let site = try compile(text)
        let roles = try #require(site.kubernetes?.k3s?.roleConfigs)
        #expect(roles.map(\.role.value) == [.worker, .controlPlane])
        #expect(roles[1].config.map(\.key.value) == ["disable", "etcd-snapshot-retention"])
    }

    @Test func unknownSettingsSuggestTheFlag() {
        #expect(diagnose(k3sSite(k3s: "    config:\n      secret-encryption: true\n      --tls-san: [a]\n      frobnicate: 1\n")) == [
            "site.yaml:24:7: error: 'secret-encryption' is not a k3s setting (a 'k3s server' or 'k3s agent' flag without '--'); did you mean 'secrets-encryption'?",
            "site.yaml:25:7: error: '--tls-san' is not a k3s setting (a 'k3s server' or 'k3s agent' flag without '--'); write it without the dashes",
            "site.yaml:26:7: error: 'frobnicate' is not a k3s setting (a 'k3s server' or 'k3s agent' flag without '--')",
        ])
    }

    @Test func settingsIgnccWritesAreRefused() {
        #expect(diagnose(k3sSite(hosts: agent("node2", 22, extra: "    k3s: {flannel-iface: eth1}\n"))) == [
            "site.yaml:21:11: error: 'flannel-iface' is written by igncc from the pinned 'name' of the host's NIC on the node network ('kubernetes.node_network'); it may not be set in 'hosts.node2.k3s'",
        ])
        #expect(diagnose(k3sSite(k3s: "    config:\n      cluster-cidr: 10.50.0.0/16\n      token: abc\n      cluster-reset: true\n")) == [
            "site.yaml:24:7: error: 'cluster-cidr' is written by igncc from 'kubernetes.pods_cidr'; it may not be set in 'kubernetes.k3s.config'",
            "site.yaml:25:7: error: 'token' is written by igncc from the token file, 'kubernetes.k3s.token_file'; it may not be set in 'kubernetes.k3s.config'",
            "site.yaml:26:7: error: 'cluster-reset' is a one-time recovery ('k3s server --cluster-reset'), not a setting: in config.yaml it would reset the cluster at every start",
        ])
    }

    @Test func valuesHaveTheFlagsShape() {
        #expect(diagnose(k3sSite(k3s: """
                config:
                  secrets-encryption: yes
                  default-runtime: [nvidia]
                  tls-san: {a: b}
                  node-label: [[a]]
                  disable: !!str traefik
                  write-kubeconfig-mode:

            """)) == [
            "site.yaml:24:27: error: 'secrets-encryption' is a k3s switch: expected true or false, found 'yes'",
            "site.yaml:25:24: error: 'default-runtime' takes one value, found a list",
            "site.yaml:26:16: error: expected a value or a list of values for 'tls-san', found a mapping",
            "site.yaml:27:20: error: items of 'node-label' must be strings, found a list",
            "site.yaml:28:16: error: tag 'tag:yaml.org,2002:str' is not passed to k3s; write the value untagged",
            "site.yaml:29:29: error: 'write-kubeconfig-mode' has no value",
        ])
    }

    /// k3s takes a flag's value as text: plain scalars YAML would read as something else are
    /// refused; decimal integers and quoted text are kept as written.
    @Test func ambiguousPlainValuesMustBeQuoted() throws {
        #expect(diagnose(k3sSite(k3s: "    config:\n      write-kubeconfig-mode: 0644\n      node-label: [on, ~, 1.5]\n")) == [
            "site.yaml:24:30: error: '0644' is read by YAML 1.1 as an integer, which k3s may not take as the text written; quote it",
            "site.yaml:25:20: error: 'on' is read by YAML 1.1 as a boolean, which k3s may not take as the text written; quote it",
            "site.yaml:25:24: error: items of 'node-label' must be strings, found null",
            "site.yaml:25:27: error: '1.5' is read by YAML 1.1 as a float, which k3s may not take as the text written; quote it",
        ])
        let site = try compile(k3sSite(k3s: "    config:\n      write-kubeconfig-mode: '0644'\n      etcd-snapshot-retention: 10\n"))
        #expect(site.kubernetes?.k3s?.config.map(\.value) == [
            .scalar(ConfigScalar("0644", style: .singleQuoted)), .scalar(ConfigScalar("10")),
        ])
    }

    @Test func serverAndAgentSettingsAreOnTheirNodes() {
        let text = k3sSite(hosts: agent("node2", 22, extra: "    k3s: {secrets-encryption: true}\n"))
            .replacingOccurrences(of: "    roles: [control-plane, worker]\n", with: "    roles: [control-plane, worker]\n    k3s: {disable-apiserver-lb: true}\n")
            .replacingOccurrences(of: "hosts:\n", with: "roles:\n  worker:\n    k3s: {tls-san: [api.demo.example]}\nhosts:\n")
        #expect(diagnose(text) == [
            "site.yaml:16:11: error: 'tls-san' is a k3s server setting, but role 'worker' has agent 'node2' (no role 'control-plane')",
            "site.yaml:23:3: note: the agent",
            "site.yaml:20:11: error: 'disable-apiserver-lb' is a k3s agent setting, but host 'node1' is a server (role 'control-plane')",
            "site.yaml:25:11: error: 'secrets-encryption' is a k3s server setting, but host 'node2' is an agent (no role 'control-plane')",
        ])
    }

    @Test func kubesprayOnlySettingsAreRefused() {
        let text = k3sSite(hosts: agent("node2", 22, extra: "    vars: {b: 2}\n"),
                           kubernetes: "  version: 1.33.4\n  cluster_name: lab\n  network_plugin: calico\n  vars: {a: 1}\n  all_vars: {}\n")
        #expect(diagnose(text) == [
            "site.yaml:21:12: error: 'vars' of host 'node2' are Kubespray's host_vars; a k3s node's settings go in its 'k3s'",
            "site.yaml:26:3: error: 'version' is Kubespray's, not k3s's (the k3s release is 'kubernetes.k3s.version')",
            "site.yaml:27:3: error: 'cluster_name' is Kubespray's, not k3s's (k3s has no cluster name setting)",
            "site.yaml:28:19: error: network plugin 'calico' is not one k3s has; expected 'flannel' (k3s's own) or 'none' (bring your own)",
            "site.yaml:29:3: error: 'vars' is Kubespray's, not k3s's (they are Kubespray's group_vars; k3s settings go in 'kubernetes.k3s.config')",
            "site.yaml:30:3: error: 'all_vars' is Kubespray's, not k3s's (they are Kubespray's group_vars; k3s settings go in 'kubernetes.k3s.config')",
        ])
    }

    @Test func rolesMapOntoServersAndAgents() {
        let text = k3sSite(hosts: agent("node2", 22, roles: "[control-plane]") + agent("node3", 23, roles: "[etcd, calico-rr]")
                           + agent("bastion", 24, roles: "[bastion]"))
        #expect(diagnose(text) == [
            "site.yaml:19:3: error: 2 hosts are k3s servers (role 'control-plane'); with embedded etcd an even number tolerates no more failures than one fewer (use an odd number for quorum)",
            "site.yaml:24:13: error: with k3s, etcd is embedded in the servers: role 'etcd' needs 'control-plane' on host 'node3'",
            "site.yaml:24:19: error: role 'calico-rr' is Kubespray's Calico route reflector; k3s has none",
            "site.yaml:28:13: error: role 'bastion' is Kubespray's SSH jump host; a k3s node is set up by its Ignition, not over SSH",
        ])
        // Three servers, one listing the implied 'etcd': no problem, and no Kubespray etcd rule.
        let three = k3sSite(hosts: agent("node2", 22, roles: "[control-plane, etcd]") + agent("node3", 23, roles: "[control-plane]"))
        #expect(diagnose(three) == [])
    }

    /// k3s's own role names: 'server' is 'control-plane', 'agent' is 'worker' — in a k3s site only.
    @Test func k3sRoleNames() throws {
        let text = k3sSite(hosts: agent("node2", 22, roles: "[agent]"))
            .replacingOccurrences(of: "[control-plane, worker]", with: "[server]")
            .replacingOccurrences(of: "hosts:\n", with: "roles:\n  agent:\n    k3s: {kubelet-arg: [max-pods=200]}\nhosts:\n")
        let site = try compile(text)
        #expect(site.hosts.map { $0.roles.map(\.value) } == [[.controlPlane], [.worker]])
        #expect(site.kubernetes?.k3s?.roleConfigs.map(\.role.value) == [.worker])
        let kubespray = minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[server, etcd]")
            .replacingOccurrences(of: "hosts:\n", with: "roles:\n  agent: {}\nhosts:\n")
        #expect(diagnose(kubespray) == [
            "site.yaml:15:3: error: 'agent' is k3s's name for role 'worker', which applies with 'kubernetes.distribution: k3s'; with Kubespray, write 'worker'",
            "site.yaml:18:13: error: 'server' is k3s's name for role 'control-plane', which applies with 'kubernetes.distribution: k3s'; with Kubespray, write 'control-plane'",
        ])
    }

    @Test func k3sKeysNeedTheK3sDistribution() {
        let text = minimalSite.replacingOccurrences(of: "    roles: [control-plane, etcd, worker]\n",
                                                    with: "    roles: [control-plane, etcd, worker]\n    k3s: {node-label: [a=b]}\n")
            + "kubernetes:\n  k3s:\n    version: v1.33.4+k3s1\n"
        #expect(diagnose(text) == [
            "site.yaml:17:5: error: 'k3s' applies with 'kubernetes.distribution: k3s'; this site's distribution is 'kubespray'",
            "site.yaml:21:3: error: 'k3s' applies with 'kubernetes.distribution: k3s'; this site's distribution is 'kubespray'",
        ])
        #expect(diagnose(k3sSite().replacingOccurrences(of: "  k3s:\n    version: v1.33.4+k3s1\n", with: "")) == [
            "site.yaml:20:3: error: missing required key 'k3s' in 'kubernetes'",
        ])
    }

    @Test func releaseAndArtifacts() {
        let text = k3sSite(k3s: "    binary: {url: /k3s, sha256: abc}\n    sysext: {url: 'https://example.com/k3s.raw', sha256: \(String(repeating: "0", count: 64))}\n    token_file: secrets/\n")
            .replacingOccurrences(of: "v1.33.4+k3s1", with: "1.33.4")
        #expect(diagnose(text) == [
            "site.yaml:22:14: error: k3s version '1.33.4' must be a k3s release such as 'v1.33.4+k3s1'",
            "site.yaml:23:19: error: 'url' must be an http:// or https:// URL, or a path relative to 'base_url' (no leading '/'), found '/k3s'",
            "site.yaml:23:33: error: 'sha256' must be 64 hexadecimal digits, found 'abc'",
            "site.yaml:25:17: error: 'token_file' must be a file's path, found 'secrets/'",
        ])
    }

    @Test func networkSettings() {
        let text = k3sSite(kubernetes: "  network_plugin: none\n  node_network: lna\n  services_cidr: 10.42.128.0/17\n",
                           k3s: "    config: {flannel-backend: host-gw}\n")
        #expect(diagnose(text) == [
            "site.yaml:22:17: error: node network 'lna' is not declared under 'networks'; did you mean 'lan'?",
            "site.yaml:23:18: error: services subnet 10.42.128.0/17 overlaps k3s's default pods subnet 10.42.0.0/16",
            "site.yaml:26:14: error: 'flannel-backend' configures flannel, but 'network_plugin' is 'none' (no flannel runs)",
            "site.yaml:21:19: note: the network plugin",
        ])
        // A site network inside k3s's default pods subnet is blamed, with the field to set.
        let overlapping = k3sSite().replacingOccurrences(of: "192.168.1.", with: "10.42.1.")
        #expect(diagnose(overlapping) == [
            "site.yaml:11:11: error: network 'lan' (10.42.1.0/24) overlaps k3s's default pods subnet 10.42.0.0/16; set 'kubernetes.pods_cidr' to a free range",
        ])
    }

    /// The k3s servers hold the API VIP with kube-vip: its rules apply as with Kubespray.
    @Test func apiVIPIsChecked() {
        #expect(diagnose(k3sSite(kubernetes: "  api: {name: kubernetes, vip: 10.0.0.5}\n")) == [
            "site.yaml:21:32: error: the API VIP 10.0.0.5 is outside 192.168.1.0/24, the node network of k3s server 'node1': kube-vip holds it on that network ('provider: external' if a load balancer answers elsewhere)",
            "site.yaml:11:11: note: network 'lan' declared here",
        ])
    }

    @Test func kubesprayTargetIsRefusedOrSkipped() throws {
        let site = try compile(k3sSite(k3s: "    binary: {url: 'http://assets.example/k3s', sha256: \(String(repeating: "0f", count: 32))}\n"))
        #expect(Compiler.check(site, targets: [.kubespray], explicit: true, backends: InventoryGen.allBackends).all.map(\.message) == [
            "the site's distribution is k3s: Kubespray does not install it, so there is no Kubespray inventory",
        ])
        let all = Compiler.check(site, targets: BuildTarget.allCases, explicit: false, backends: InventoryGen.allBackends)
        #expect(all.all.map(\.message) == [
            "the site's distribution is k3s: Kubespray does not install it, so there is no Kubespray inventory (out/kubespray is not written)",
        ])
        #expect(!buildAll(site).contains { $0.relativePath.hasPrefix("kubespray/") })
    }
}
