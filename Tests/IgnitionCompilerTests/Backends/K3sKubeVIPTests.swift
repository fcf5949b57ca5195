import Foundation
import Testing
@testable import IgnitionCompiler

/// kube-vip's manifest on k3s servers, as PyYAML and `kubectl kustomize` (sigs.k8s.io/yaml, the
/// reader kubectl and k3s's deploy controller use) read it, and the k3s rules that keep it exact.
@Suite struct K3sKubeVIPTests {
    /// Three servers pinning `lan0` behind the VIP 192.168.1.5, and a GPU agent.
    static let site = K3sNodeConfigTests.site

    private func manifest(_ text: String = Self.site, host name: String = "node1") throws -> String? {
        let site = try compile(text)
        let host = try #require(site.hosts.first { $0.name.value == name })
        return K3sKubeVIP.manifest(for: host, in: site)
    }

    /// Every document of `text` as PyYAML reads it, as JSON objects.
    private func documents(_ text: String) throws -> [[String: Any]] {
        let script = "import json, sys, yaml\nprint(json.dumps(list(yaml.safe_load_all(sys.stdin))))\n"
        let result = try runProcess(try #require(which("python3")), ["-c", script], input: text)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    /// The DaemonSet's environment as kube-vip reads it (`os.Getenv`: name → text), and whether
    /// every value is a string (a YAML number or boolean there is refused by the API server).
    private func environment(_ documents: [[String: Any]]) throws -> (env: [String: String], allStrings: Bool) {
        let daemonSet = try #require(documents.first { $0["kind"] as? String == "DaemonSet" })
        let spec = try #require(((daemonSet["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((spec["containers"] as? [[String: Any]])?.first)
        var env: [String: String] = [:]
        var allStrings = true
        for entry in try #require(container["env"] as? [[String: Any]]) {
            let name = try #require(entry["name"] as? String)
            if entry["valueFrom"] != nil { continue }
            if let value = entry["value"] as? String { env[name] = value } else { allStrings = false }
        }
        return (env, allStrings)
    }

    @Test(.enabled(if: which("python3") != nil)) func serverManifestHoldsRBACAndDaemonSet() throws {
        let docs = try documents(try #require(try manifest()))
        #expect(docs.map { $0["kind"] as? String } == ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "DaemonSet"])
        let (env, allStrings) = try environment(docs)
        #expect(allStrings)
        #expect(env["vip_arp"] == "true")
        #expect(env["address"] == "192.168.1.5")
        #expect(env["port"] == "6443")
        #expect(env["vip_interface"] == "lan0")
        #expect(env["cp_enable"] == "true")
        #expect(env["vip_leaderelection"] == "true")
        #expect(env["vip_leaseduration"] == "15" && env["vip_renewdeadline"] == "10" && env["vip_retryperiod"] == "2")
        #expect(env["bgp_enable"] == nil)
        let daemonSet = docs[3]
        let podSpec = try #require(((daemonSet["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(podSpec["hostNetwork"] as? Bool == true)
        let container = try #require((podSpec["containers"] as? [[String: Any]])?.first)
        #expect(container["image"] as? String == "ghcr.io/kube-vip/kube-vip:" + K3sKubeVIP.version)
        let capabilities = (container["securityContext"] as? [String: Any])?["capabilities"] as? [String: Any]
        #expect(capabilities?["add"] as? [String] == ["NET_ADMIN", "NET_RAW"])
        let terms = ((podSpec["affinity"] as? [String: Any])?["nodeAffinity"] as? [String: Any])?["requiredDuringSchedulingIgnoredDuringExecution"]
        let keys = ((terms as? [String: Any])?["nodeSelectorTerms"] as? [[String: Any]])?.compactMap {
            (($0["matchExpressions"] as? [[String: Any]])?.first?["key"]) as? String
        }
        #expect(keys == ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"])
    }

    /// kubectl reads four resources, and their names hold together as Kubernetes resolves them:
    /// the binding grants the role to the account the DaemonSet's pods run as.
    @Test(.enabled(if: which("kubectl") != nil && which("python3") != nil)) func kubectlReadsFourResources() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("kube-vip.yaml", try #require(try manifest()))
        try dir.write("kustomization.yaml", "resources:\n  - kube-vip.yaml\n")
        let read = try runProcess(try #require(which("kubectl")), ["kustomize", dir.path])
        #expect(read.status == 0, "\(read.stderr)")
        let docs = try documents(read.stdout)
        func metadata(_ doc: [String: Any]) -> String {
            let meta = doc["metadata"] as? [String: Any]
            return "\(doc["kind"] ?? "")/\(meta?["namespace"] as? String ?? "-")/\(meta?["name"] ?? "")"
        }
        #expect(docs.map(metadata).sorted() == [
            "ClusterRole/-/system:kube-vip-role", "ClusterRoleBinding/-/system:kube-vip-binding",
            "DaemonSet/kube-system/kube-vip-ds", "ServiceAccount/kube-system/kube-vip",
        ])
        let binding = try #require(docs.first { $0["kind"] as? String == "ClusterRoleBinding" })
        #expect((binding["roleRef"] as? [String: Any])?["name"] as? String == "system:kube-vip-role")
        let subject = (binding["subjects"] as? [[String: Any]])?.first
        #expect(subject?["name"] as? String == "kube-vip" && subject?["namespace"] as? String == "kube-system")
        let daemonSet = try #require(docs.first { $0["kind"] as? String == "DaemonSet" })
        let template = (daemonSet["spec"] as? [String: Any])?["template"] as? [String: Any]
        #expect((template?["spec"] as? [String: Any])?["serviceAccountName"] as? String == "kube-vip")
        let selector = ((daemonSet["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"] as? [String: String]
        let labels = (template?["metadata"] as? [String: Any])?["labels"] as? [String: String]
        #expect(selector.map { $0.allSatisfy { labels?[$0.key] == $0.value } } == true)
    }

    /// k3s applies the file from every server as one object: the same bytes on each, and on
    /// every run.
    @Test func sameBytesOnEveryServer() throws {
        let first = try #require(try manifest())
        #expect(try manifest(host: "node2") == first)
        #expect(try manifest(host: "node3") == first)
        #expect(try manifest() == first)
        #expect(first.hasPrefix("# kube-vip holds the API VIP 192.168.1.5 on the k3s servers (igncc, from site.yaml).\n---\n"))
    }

    @Test func nothingForAgentsOrWithoutKubeVIP() throws {
        #expect(try manifest(host: "gpu1") == nil)
        let noVIP = Self.site.replacingOccurrences(of: "api: {name: kubernetes, vip: 192.168.1.5}", with: "api: {name: kubernetes}")
        #expect(try manifest(noVIP) == nil)
        let external = Self.site.replacingOccurrences(of: "vip: 192.168.1.5}", with: "vip: 192.168.1.5, provider: external}")
        #expect(try manifest(external) == nil)
    }

    /// Without a pinned name on the servers' NICs, kube-vip picks each one's default-route
    /// interface, which is the node network's NIC here: no vip_interface, and the file says why.
    @Test(.enabled(if: which("python3") != nil)) func noInterfaceWithoutPinnedNames() throws {
        let text = try #require(try manifest(Self.site.replacingOccurrences(of: ", name: lan0}", with: "}")))
        #expect(text.contains("\n# No vip_interface: the servers' node network NICs pin no common name, so kube-vip\n"))
        let (env, _) = try environment(try documents(text))
        #expect(env["vip_interface"] == nil)
        #expect(env["address"] == "192.168.1.5")
    }

    /// Two servers pinning different names: still one DaemonSet, so no vip_interface when every
    /// NIC carries the default route; refused when one does not.
    @Test func differentNamesNeedTheDefaultRoute() throws {
        let mixed = Self.site.replacingOccurrences(of: "address: 192.168.1.22, name: lan0}", with: "address: 192.168.1.22, name: lan1}")
        let text = try #require(try manifest(mixed))
        #expect(!text.contains("name: vip_interface"))
        let noRoute = Self.site.replacingOccurrences(of: "address: 192.168.1.22, name: lan0}",
                                                     with: "address: 192.168.1.22, name: lan1, default_route: false}")
        #expect(diagnose(noRoute) == [
            "site.yaml:24:80: error: with k3s, kube-vip names one interface for every server, and server 'node2' pins 'lan1' on a NIC without the default route: pin the same 'name' on each server's node network NIC",
            "site.yaml:21:77: note: server 'node1' pins 'lan0'",
            "site.yaml:40:32: note: the VIP",
        ])
        // The same when the server without the default route pins the first name.
        let firstNoRoute = mixed.replacingOccurrences(of: "address: 192.168.1.21, name: lan0}",
                                                      with: "address: 192.168.1.21, name: lan0, default_route: false}")
        #expect(diagnose(firstNoRoute) == [
            "site.yaml:21:77: error: with k3s, kube-vip names one interface for every server, and server 'node1' pins 'lan0' on a NIC without the default route: pin the same 'name' on each server's node network NIC",
            "site.yaml:24:80: note: server 'node2' pins 'lan1'",
            "site.yaml:40:32: note: the VIP",
        ])
    }

    static let bgp = site.replacingOccurrences(of: "api: {name: kubernetes, vip: 192.168.1.5}", with: """
        api:
            name: kubernetes
            vip: 192.168.1.5
            mode: bgp
            bgp:
              as: 65010
              peers:
                - {address: 192.168.1.1, as: 65000, password: s3cret}
                - {address: 192.168.1.2, as: 65000, multihop: true}
        """)

    /// BGP: every server advertises the VIP to the peers (no leader election), its router id the
    /// address of the shared interface.
    @Test(.enabled(if: which("python3") != nil)) func bgpModeWritesThePeers() throws {
        let (env, allStrings) = try environment(try documents(try #require(try manifest(Self.bgp))))
        #expect(allStrings)
        #expect(env["vip_arp"] == "false")
        #expect(env["bgp_enable"] == "true")
        #expect(env["bgp_routerinterface"] == "lan0")
        #expect(env["bgp_as"] == "65010")
        #expect(env["bgp_peers"] == "192.168.1.1:65000:s3cret:false,192.168.1.2:65000::true")
        #expect(env["vip_leaderelection"] == nil)
        #expect(env["address"] == "192.168.1.5")
    }

    /// BGP without one interface name for all servers is refused: kube-vip would have no router id.
    @Test func bgpNeedsOneInterfaceName() throws {
        let mixed = Self.bgp.replacingOccurrences(of: "address: 192.168.1.23, name: lan0}", with: "address: 192.168.1.23, name: lan1}")
        #expect(diagnose(mixed) == [
            "site.yaml:27:80: error: with k3s, kube-vip finds every server's BGP router id from one interface name: pin the same 'name' on the node network NIC of each server ('node3' here)",
            "site.yaml:21:77: note: server 'node1' pins 'lan0'",
            "site.yaml:42:10: note: the VIP",
        ])
    }
}
