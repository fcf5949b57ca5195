import Foundation
import Testing
@testable import IgnitionCompiler

/// out/k3s/README.txt: the operator's steps after install, exact for the site, and never the token.
@Suite struct K3sReadmeTests {
    /// Seeds 000 and 001's cluster (three servers behind a VIP, a GPU agent) with the agent on
    /// Flatcar, the token file moved, and the artifacts served by `igncc serve`.
    static let site = K3sNodeConfigTests.site
        .replacingOccurrences(of: "  gpu1:\n", with: "  gpu1:\n    os: flatcar\n")
        .replacingOccurrences(of: "    version: v1.33.4+k3s1\n", with: "    version: v1.33.4+k3s1\n    token_file: secrets/k3s-token\n")
        + "serve:\n  base_url: http://192.168.1.10:8080\n"

    /// One server and no API name: the nodes join at the server's own address.
    static let noAPI = minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[control-plane]") + """
          gpu1:
            roles: [worker]
            nics: [{mac: 52:54:00:00:01:31, network: lan, address: 192.168.1.31}]
        kubernetes:
          distribution: k3s
          k3s:
            version: v1.33.4+k3s1
            binary: {url: 'https://github.com/k3s-io/k3s/releases/download/v1.33.4%2Bk3s1/k3s', sha256: \(String(repeating: "ab", count: 32))}
        """ + "\n"

    private func readme(_ text: String) throws -> String {
        K3sReadme.text(for: try compile(text))
    }

    @Test func textForAnHASite() throws {
        #expect(try readme(Self.site) == """
            k3s v1.33.4+k3s1 for site 'demo' (demo.example), as igncc wrote it from site.yaml.

            Servers (k3s server, embedded etcd):
              node1  node1.demo.example  192.168.1.21  Fedora CoreOS  (first server: starts the cluster, cluster-init)
              node2  node2.demo.example  192.168.1.22  Fedora CoreOS
              node3  node3.demo.example  192.168.1.23  Fedora CoreOS
            Agents (k3s agent):
              gpu1   gpu1.demo.example   192.168.1.31  Flatcar

            The other nodes join at https://kubernetes.demo.example:6443 with the cluster token in 'secrets/k3s-token'
            (relative to site.yaml; a secret: keep it out of version control).
            kube-vip holds the API VIP 192.168.1.5 on the servers (/var/lib/rancher/k3s/server/manifests/kube-vip.yaml).

            The admin kubeconfig, once node1 runs k3s (it names the API https://127.0.0.1:6443):
              (umask 077; ssh core@192.168.1.21 sudo cat /etc/rancher/k3s/k3s.yaml > kubeconfig)
              kubectl --kubeconfig kubeconfig config set-cluster default --server=https://kubernetes.demo.example:6443
              kubectl --kubeconfig kubeconfig get nodes

            Where the nodes fetch k3s (Ignition checks its SHA-256):
              Fedora CoreOS: /usr/local/bin/k3s from http://192.168.1.10:8080/assets/k3s/v1.33.4+k3s1/k3s
              Flatcar: /opt/extensions/k3s/k3s-v1.33.4+k3s1-x86-64.raw (linked from /etc/extensions/k3s.raw)
                from http://192.168.1.10:8080/assets/k3s/k3s-v1.33.4+k3s1-x86-64.raw

            """)
    }

    @Test func textWithoutAnAPIName() throws {
        #expect(try readme(Self.noAPI) == """
            k3s v1.33.4+k3s1 for site 'demo' (demo.example), as igncc wrote it from site.yaml.

            Servers (k3s server, embedded etcd):
              node1  node1.demo.example  192.168.1.21  Fedora CoreOS  (first server: starts the cluster, cluster-init)
            Agents (k3s agent):
              gpu1   gpu1.demo.example   192.168.1.31  Fedora CoreOS

            The other nodes join at https://192.168.1.21:6443 with the cluster token in 'k3s-token'
            (relative to site.yaml; a secret: keep it out of version control).

            The admin kubeconfig, once node1 runs k3s (it names the API https://127.0.0.1:6443):
              (umask 077; ssh core@192.168.1.21 sudo cat /etc/rancher/k3s/k3s.yaml > kubeconfig)
              kubectl --kubeconfig kubeconfig config set-cluster default --server=https://192.168.1.21:6443
              kubectl --kubeconfig kubeconfig get nodes

            Where the nodes fetch k3s (Ignition checks its SHA-256):
              Fedora CoreOS: /usr/local/bin/k3s from https://github.com/k3s-io/k3s/releases/download/v1.33.4%2Bk3s1/k3s

            """)
    }

    /// The token file's path, never its content.
    @Test func neverTheToken() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("secrets"), withIntermediateDirectories: true)
        guard case .success(let (token, created)) = K3sToken.loadOrCreate(at: dir.file("secrets/k3s-token")) else {
            Issue.record("the token file could not be created")
            return
        }
        #expect(created)
        var site = try compile(Self.site)
        site.baseDirectory = dir.path
        let text = K3sReadme.text(for: site)
        #expect(text.contains("'secrets/k3s-token'"))
        #expect(!text.contains(token))
    }

    /// The README's commands do what it says: with a stand-in `ssh` printing the kubeconfig k3s
    /// writes on a server, the first command saves it 0600, and real kubectl points it at the API.
    @Test(.enabled(if: which("kubectl") != nil)) func commandsFetchAndRetargetTheKubeconfig() throws {
        let kubectl = try #require(which("kubectl"))
        let text = try readme(Self.site)
        let commands = text.split(separator: "\n").filter { $0.hasPrefix("  (umask") || $0.hasPrefix("  kubectl") && $0.contains("set-cluster") }
        #expect(commands.count == 2)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("bin"), withIntermediateDirectories: true)
        try dir.write("k3s.yaml", Self.k3sKubeconfig)
        // ssh as the README calls it: the login and the remote command, else a failure.
        try dir.write("bin/ssh", """
            #!/bin/sh
            [ "$*" = "core@192.168.1.21 sudo cat /etc/rancher/k3s/k3s.yaml" ] || { echo "unexpected: $*" >&2; exit 2; }
            cat "\(dir.file("k3s.yaml"))"

            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.file("bin/ssh"))
        let path = dir.file("bin") + ":" + (URL(fileURLWithPath: kubectl).deletingLastPathComponent().path) + ":/usr/bin:/bin"
        for command in commands {
            let run = try runProcess("/bin/sh", ["-c", String(command)], directory: dir.path, environment: ["PATH": path])
            #expect(run.status == 0, "\(command): \(run.stderr)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: dir.file("kubeconfig"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let server = try runProcess(kubectl, ["--kubeconfig", dir.file("kubeconfig"), "config", "view", "-o",
                                              "jsonpath={.clusters[?(@.name=='default')].cluster.server}"])
        #expect(server.status == 0, "\(server.stderr)")
        #expect(server.stdout == "https://kubernetes.demo.example:6443")
    }

    /// /etc/rancher/k3s/k3s.yaml as a k3s server writes it (credentials shortened).
    static let k3sKubeconfig = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: LS0tCg==
            server: https://127.0.0.1:6443
          name: default
        contexts:
        - context:
            cluster: default
            user: default
          name: default
        current-context: default
        kind: Config
        preferences: {}
        users:
        - name: default
          user:
            client-certificate-data: LS0tCg==
            client-key-data: LS0tCg==

        """
}
