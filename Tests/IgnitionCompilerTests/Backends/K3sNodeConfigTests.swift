import Foundation
import Testing
@testable import IgnitionCompiler

/// Each k3s node's config.yaml: what igncc writes from site.yaml, and the site's, roles' and
/// host's settings merged, checked as text and as PyYAML reads it.
@Suite struct K3sNodeConfigTests {
    /// Seeds 000 and 001: three servers behind a VIP (cluster-init on the first, the others join
    /// at the API name), secrets encryption and SANs for the servers, a GPU agent with the nvidia
    /// runtime, a label and a taint.
    static let site = minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[control-plane]")
        .replacingOccurrences(of: "network: lan, address: 192.168.1.21}", with: "network: lan, address: 192.168.1.21, name: lan0}")
        .replacingOccurrences(of: "hosts:\n", with: """
            roles:
              worker:
                k3s: {kubelet-arg: [max-pods=200]}
            hosts:

            """) + """
          node2:
            roles: [control-plane]
            nics: [{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22, name: lan0}]
          node3:
            roles: [control-plane]
            nics: [{mac: 52:54:00:00:01:23, network: lan, address: 192.168.1.23, name: lan0}]
          gpu1:
            roles: [worker]
            labels: {zone: rack2}
            k3s:
              default-runtime: nvidia
              node-label: [gpu=nvidia]
              node-taint: ['nvidia.com/gpu=true:NoSchedule']
              kubelet-arg: [max-pods=50]
            nics: [{mac: 52:54:00:00:01:31, network: lan, address: 192.168.1.31, name: lan0}]
        kubernetes:
          distribution: k3s
          pods_cidr: 10.50.0.0/16
          api: {name: kubernetes, vip: 192.168.1.5}
          k3s:
            version: v1.33.4+k3s1
            config:
              secrets-encryption: true
              tls-san: [cloud.rloc]
              kube-apiserver-arg: [enable-admission-plugins=ExtendedResourceToleration]
              kubelet-arg: [image-gc-high-threshold=90]

        """

    private func config(_ name: String) throws -> String {
        let site = try compile(Self.site)
        let host = try #require(site.hosts.first { $0.name.value == name })
        let config = try #require(K3sNodeConfig(host: host, in: site))
        return String(decoding: config.render(), as: UTF8.self)
    }

    @Test func firstServerInitializesTheCluster() throws {
        #expect(try config("node1") == """
            cluster-cidr: 10.50.0.0/16
            cluster-init: true
            flannel-iface: lan0
            kube-apiserver-arg:
              - enable-admission-plugins=ExtendedResourceToleration
            kubelet-arg:
              - image-gc-high-threshold=90
            node-ip: 192.168.1.21
            secrets-encryption: true
            tls-san:
              - kubernetes
              - kubernetes.demo.example
              - 192.168.1.5
              - cloud.rloc
            token-file: /etc/rancher/k3s/token

            """)
    }

    @Test func otherServersJoinAtTheAPIName() throws {
        let text = try config("node2")
        #expect(text.contains("server: https://kubernetes.demo.example:6443\n"))
        #expect(!text.contains("cluster-init"))
        #expect(text.contains("node-ip: 192.168.1.22\n"))
    }

    /// The agent gets no server setting of the site-wide config, its role's kubelet-arg replaced
    /// by its own, and its labels after the site's.
    @Test func agentGetsItsMergedSettings() throws {
        #expect(try config("gpu1") == """
            default-runtime: nvidia
            flannel-iface: lan0
            kubelet-arg:
              - max-pods=50
            node-ip: 192.168.1.31
            node-label:
              - zone=rack2
              - gpu=nvidia
            node-taint:
              - nvidia.com/gpu=true:NoSchedule
            server: https://kubernetes.demo.example:6443
            token-file: /etc/rancher/k3s/token

            """)
    }

    /// PyYAML reads every node's document as a mapping of known k3s flags to strings, booleans
    /// for the switches, and lists of strings.
    @Test(.enabled(if: which("python3") != nil)) func pyYAMLReadsEveryNode() throws {
        let script = """
            import json, sys, yaml
            print(json.dumps(yaml.safe_load(sys.stdin), sort_keys=True))
            """
        for name in ["node1", "node2", "node3", "gpu1"] {
            let result = try runProcess(try #require(which("python3")), ["-c", script], input: try config(name))
            #expect(result.status == 0, "\(result.stderr)")
            let read = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            for (key, value) in read {
                let flag = try #require(K3sFlag.named(key), "\(name): '\(key)' is not a k3s flag")
                switch flag.kind {
                case .bool: #expect(value is Bool, "\(name): \(key)")
                case .value: #expect(value is String, "\(name): \(key)")
                case .list: #expect(value is [String] || value is String, "\(name): \(key)")
                }
                if flag.scope == .server { #expect(name != "gpu1", "server flag '\(key)' on the agent") }
            }
            #expect(read["token-file"] as? String == "/etc/rancher/k3s/token")
        }
    }
}

/// A scratch root for systemd's `--root`: this machine's own unit files (the targets igncc's units
/// name), nothing else.
private func systemdScratchRoot() throws -> TemporaryDirectory {
    let root = try TemporaryDirectory()
    do {
        try FileManager.default.createDirectory(atPath: root.file("usr/lib/systemd"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/usr/lib/systemd/system", toPath: root.file("usr/lib/systemd/system"))
    } catch {
        root.remove()
        throw error
    }
    return root
}

/// igncc's k3s units, as Debian's systemd reads them: `systemd-analyze verify` in a scratch root
/// with the host's own unit files (for the targets they name) and a stand-in k3s binary.
@Suite struct K3sUnitsTests {
    private func verify(_ kind: K3sNodeConfig.Kind, binary: Bool) throws -> ProcessResult {
        let analyze = try #require(which("systemd-analyze"))
        let root = try systemdScratchRoot()
        defer { root.remove() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root.file("etc/systemd/system"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root.file("usr/local/bin"), withIntermediateDirectories: true)
        if binary {
            try root.write("usr/local/bin/k3s", "#!/bin/sh\n")
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.file("usr/local/bin/k3s"))
        }
        let unit = "/etc/systemd/system/" + K3sUnits.name(kind)
        try root.write(String(unit.dropFirst()), K3sUnits.contents(kind))
        return try runProcess(analyze, ["verify", "--root=" + root.path, unit])
    }

    @Test(.enabled(if: which("systemd-analyze") != nil && FileManager.default.fileExists(atPath: "/usr/lib/systemd/system/multi-user.target")),
          arguments: [K3sNodeConfig.Kind.server, .agent])
    func unitsVerify(_ kind: K3sNodeConfig.Kind) throws {
        let result = try verify(kind, binary: true)
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        // The same unit without the binary it starts is refused: the check reads ExecStart.
        let missing = try verify(kind, binary: false)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("Command /usr/local/bin/k3s is not executable"))
    }
}

/// A k3s node's whole Ignition config (igncc's own plus the k3s layer), as the real Ignition
/// validator reads it, and what it holds: the token and config.yaml 0600, k3s fetched with its
/// hash, the unit enabled.
@Suite struct K3sIgnitionTests {
    static let artifact = K3sIgnition.Artifact(url: "http://192.168.1.10:8080/assets/k3s/v1.33.4+k3s1/k3s",
                                               sha256: String(repeating: "ab", count: 32))

    private func config(_ name: String, os: OperatingSystem = .fcos) throws -> (ConfigNode, String) {
        var site = try compile(K3sNodeConfigTests.site)
        let index = try #require(site.hosts.firstIndex { $0.name.value == name })
        site.hosts[index].os.value = os
        site.hosts[index].ignitionVersion.value = .v3_3_0
        var config = IgnitionBackend.generated(for: site.hosts[index], in: site)
        K3sIgnition.add(to: &config, host: site.hosts[index], site: site, token: "t0ken", artifact: Self.artifact)
        let json = JanssonWriter.render(ConfigRenderer.json(config, version: .v3_3), style: .pretty)
        return (config, String(decoding: json, as: UTF8.self))
    }

    @Test(arguments: [("node1", OperatingSystem.fcos), ("gpu1", .fcos), ("gpu1", .flatcar)])
    func ignitionValidateAccepts(_ name: String, _ os: OperatingSystem) throws {
        let validate = try #require(which("ignition-validate"))
        let (_, json) = try config(name, os: os)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("config.ign", json)
        let result = try runProcess(validate, [dir.file("config.ign")])
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
    }

    @Test func fcosAgentHoldsItsK3sFiles() throws {
        let (config, _) = try config("gpu1")
        let files = try #require(config[path: ["storage", "files"]]?.items)
        func file(_ path: String) -> ConfigNode? { files.first { $0["path"]?.string == path } }
        #expect(file("/etc/rancher/k3s/token")?["mode"]?.int == 0o600)
        #expect(file("/etc/rancher/k3s/token")?[path: ["contents", "source"]]?.string == DataURL.encode(Array("t0ken\n".utf8)))
        #expect(file("/etc/rancher/k3s/config.yaml")?["mode"]?.int == 0o600)
        let binary = try #require(file("/usr/local/bin/k3s"))
        #expect(binary["mode"]?.int == 0o755)
        #expect(binary[path: ["contents", "verification", "hash"]]?.string == "sha256-" + Self.artifact.sha256)
        let units = try #require(config[path: ["systemd", "units"]]?.items)
        #expect(units.map { $0["name"]?.string } == ["k3s-agent.service"])
        #expect(units[0]["enabled"]?.bool == true)
    }

    @Test func flatcarAgentLinksTheSystemExtension() throws {
        let (config, _) = try config("gpu1", os: .flatcar)
        let image = "/opt/extensions/k3s/k3s-v1.33.4+k3s1-x86-64.raw"
        #expect(config[path: ["storage", "files"]]?.items.contains { $0["path"]?.string == image } == true)
        let links = try #require(config[path: ["storage", "links"]]?.items)
        #expect(links.map { [$0["path"]?.string, $0["target"]?.string] } == [
            ["/etc/extensions/k3s.raw", image],
            ["/etc/systemd/system/multi-user.target.wants/k3s-agent.service", "/usr/local/lib/systemd/system/k3s-agent.service"],
        ])
        // The extension brings the unit: a wants link enables it (an Ignition preset would be
        // applied before the extension is merged), nothing is written.
        #expect(config[path: ["systemd", "units"]] == nil)
        #expect(config[path: ["storage", "files"]]?.items.contains { $0["path"]?.string == "/usr/local/bin/k3s" } == false)
    }

    /// systemd reads the Flatcar layout once the extension is merged: with the bakery's unit where
    /// the extension puts it, Ignition's links make it enabled (`systemctl --root is-enabled`).
    @Test(.enabled(if: which("systemctl") != nil && FileManager.default.fileExists(atPath: "/usr/lib/systemd/system/multi-user.target")))
    func flatcarUnitIsEnabledOnceMerged() throws {
        let (config, _) = try config("gpu1", os: .flatcar)
        let root = try systemdScratchRoot()
        defer { root.remove() }
        let fm = FileManager.default
        // The unit as the bakery's k3s.sysext/files ships it (its [Install] section is what counts).
        try fm.createDirectory(atPath: root.file("usr/local/lib/systemd/system"), withIntermediateDirectories: true)
        try root.write("usr/local/lib/systemd/system/k3s-agent.service",
                       "[Unit]\nDescription=Lightweight Kubernetes\n\n[Install]\nWantedBy=multi-user.target\n\n[Service]\nType=notify\nExecStart=/usr/local/bin/k3s agent\n")
        for link in try #require(config[path: ["storage", "links"]]?.items) {
            let path = try #require(link["path"]?.string)
            try fm.createDirectory(atPath: root.file(String((path as NSString).deletingLastPathComponent.dropFirst())),
                                   withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: root.file(String(path.dropFirst())), withDestinationPath: try #require(link["target"]?.string))
        }
        let result = try runProcess(try #require(which("systemctl")), ["--root=" + root.path, "is-enabled", "k3s-agent.service"])
        #expect(result.stdout == "enabled\n", "\(result.stderr)")
        #expect(result.status == 0)
    }
}
