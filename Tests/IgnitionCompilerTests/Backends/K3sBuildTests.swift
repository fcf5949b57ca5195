import Foundation
import Testing
@testable import IgnitionCompiler

/// samples/k3s built as its user builds it (`igncc build --assets`, in a scratch copy so the token
/// file is made there), and what the tree holds: the token made once, 0600, only in the nodes'
/// Ignition; configs the real validator accepts; Butane documents butane turns back into them;
/// k3s served by `igncc serve --assets` with the hash the configs pin.
@Suite struct K3sBuildTests {
    static let version = "v1.33.4+k3s1"

    /// samples/k3s/site.yaml in a scratch directory.
    private func scratchSample() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: TestPaths.samples.appendingPathComponent("k3s/site.yaml").path,
                                         toPath: dir.file("site.yaml"))
        return dir
    }

    /// `dir`'s file `name` as igncc prints it (without the doubled slash of the temporary path).
    private func printed(_ dir: TemporaryDirectory, _ name: String) -> String {
        dir.file(name).replacingOccurrences(of: "//", with: "/")
    }

    /// A config as JSON objects, `compression: ""` (what butane writes for inline and local
    /// contents, and Ignition reads as none) left out.
    private func normalized(_ data: Data) throws -> NSDictionary? {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { !($0.key == "compression" && $0.value as? String == "") }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        return strip(try JSONSerialization.jsonObject(with: data)) as? NSDictionary
    }

    private func build(_ dir: TemporaryDirectory, _ extra: [String] = []) throws -> ProcessResult {
        try runProcess(TestPaths.binary, ["build", dir.file("site.yaml"), "-o", dir.file("out"),
                                          "--assets", fakeK3sAssets(version: Self.version)] + extra)
    }

    /// Relative path → contents of every file below `root`.
    private func tree(_ root: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: root + "/" + path)
            }
        }
        return files
    }

    @Test func tokenIsMadeOnceAndWrittenOnlyIntoTheNodesConfigs() throws {
        let dir = try scratchSample()
        defer { dir.remove() }
        let first = try build(dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("igncc: created the k3s token file '\(printed(dir, "k3s-token"))' (mode 0600)"))
        var info = stat()
        #expect(lstat(dir.file("k3s-token"), &info) == 0 && info.st_mode & 0o7777 == 0o600)
        let token = try String(contentsOfFile: dir.file("k3s-token"), encoding: .utf8)
        #expect(token.count == 65 && token.hasSuffix("\n") && token.dropLast().allSatisfy(\.isHexDigit))
        let secret = String(token.dropLast())
        let built = tree(dir.file("out"))

        let second = try build(dir)
        #expect(second.status == 0 && !second.stderr.contains("created"), "\(second.stderr)")
        #expect(try String(contentsOfFile: dir.file("k3s-token"), encoding: .utf8) == token)
        #expect(tree(dir.file("out")) == built, "a second build writes the same tree")

        // In every node's Ignition, and nowhere else: no other file, no message.
        let holding = built.filter { $0.value.range(of: Data(secret.utf8)) != nil }.keys.sorted()
        #expect(holding == ["edge-1", "gpu-1", "k3s-1", "k3s-2", "k3s-3"].map { "ignition/\($0).ign" })
        for result in [first, second] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        }
    }

    @Test func checkAndDryRunNeverMakeTheToken() throws {
        let dir = try scratchSample()
        defer { dir.remove() }
        let check = try runProcess(TestPaths.binary, ["check", dir.file("site.yaml"), "--assets", fakeK3sAssets(version: Self.version)])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout == "\(dir.file("site.yaml")): ok, 5 hosts (k3s: 3 servers, 2 agents), 1 network, 1 warning\n")
        let dryRun = try build(dir, ["--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stderr.contains("igncc: dry run: the k3s token file '\(printed(dir, "k3s-token"))' does not exist yet; a build makes it"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("k3s-token")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")))
    }

    /// Without `sha256` nor `--assets`, the build stops before making anything.
    @Test func noHashNoBuild() throws {
        let dir = try scratchSample()
        defer { dir.remove() }
        let result = try runProcess(TestPaths.binary, ["build", dir.file("site.yaml"), "-o", dir.file("out")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("site.yaml:61:5: error: the k3s binary (Fedora CoreOS hosts) has no 'sha256': set it in 'kubernetes.k3s.binary', or build with --assets DIR holding 'k3s/v1.33.4+k3s1/k3s'"))
        #expect(result.stderr.contains("site.yaml:61:5: error: the k3s system extension (Flatcar hosts) has no 'sha256'"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("k3s-token")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")))
    }

    @Test func anExposedTokenFileIsRefused() throws {
        let dir = try scratchSample()
        defer { dir.remove() }
        try "0123456789abcdef\n".write(toFile: dir.file("k3s-token"), atomically: false, encoding: .utf8)
        #expect(chmod(dir.file("k3s-token"), 0o644) == 0)
        let result = try build(dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("site.yaml:61:5: error: the k3s token file '\(printed(dir, "k3s-token"))' has mode 644; only its owner may read it (chmod 600)"))
        #expect(!result.stderr.contains("0123456789abcdef"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")))
    }

    @Test func everyNodeConfigPassesIgnitionValidate() throws {
        let validate = try #require(which("ignition-validate"))
        let dir = try scratchSample()
        defer { dir.remove() }
        #expect(try build(dir).status == 0)
        for host in ["edge-1", "gpu-1", "k3s-1", "k3s-2", "k3s-3"] {
            let result = try runProcess(validate, [dir.file("out/ignition/\(host).ign")])
            #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(host): \(result.stdout)\(result.stderr)")
        }
    }

    /// out/butane names the token file with `local:`; `igncc butane --files-dir <site dir>` (as
    /// butane does: checked once with butane v0.29.0) gives back each node's Ignition config.
    @Test func butaneDocumentsTranslateBackToTheConfigs() throws {
        let dir = try scratchSample()
        defer { dir.remove() }
        #expect(try build(dir).status == 0)
        let secret = try String(contentsOfFile: dir.file("k3s-token"), encoding: .utf8).dropLast()
        for host in ["edge-1", "gpu-1", "k3s-1", "k3s-2", "k3s-3"] {
            let document = try String(contentsOfFile: dir.file("out/butane/\(host).bu"), encoding: .utf8)
            #expect(document.contains("      path: \"/etc/rancher/k3s/token\"\n      contents:\n        local: \"k3s-token\"\n"))
            #expect(!document.contains(secret))
            let translated = try runProcess(TestPaths.binary, ["butane", "--strict", "--files-dir", dir.path, dir.file("out/butane/\(host).bu")])
            #expect(translated.status == 0, "\(translated.stderr)")
            let ignition = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/ignition/\(host).ign")))
            let back = try normalized(Data(translated.stdout.utf8)), built = try normalized(ignition)
            #expect(back != nil && back == built, "\(host)")
        }
    }

    /// Every node's config.yaml, as PyYAML reads it out of the built Ignition, has only keys k3s
    /// documents, for the node's kind.
    @Test(.enabled(if: which("python3") != nil)) func everyConfigKeyIsAK3sFlag() throws {
        let dir = try scratchSample()
        defer { dir.remove() }
        #expect(try build(dir).status == 0)
        let script = """
            import json, sys, urllib.parse, yaml
            for path in sys.argv[1:]:
                config = json.load(open(path))
                for f in config["storage"]["files"]:
                    if f["path"] == "/etc/rancher/k3s/config.yaml":
                        source = f["contents"]["source"]
                        assert source.startswith("data:,"), source[:20]
                        doc = yaml.safe_load(urllib.parse.unquote(source[len("data:,"):]))
                        # Fedora CoreOS: igncc's unit; Flatcar: the extension's, enabled by a link.
                        units = [u["name"] for u in config.get("systemd", {}).get("units", []) if u["name"].startswith("k3s")]
                        units += [l["path"].rsplit("/", 1)[1] for l in config["storage"].get("links", [])
                                  if l["path"].startswith("/etc/systemd/system/multi-user.target.wants/k3s")]
                        print(path.rsplit("/", 1)[1], ",".join(units), " ".join(sorted(doc)))
            """
        let hosts = ["edge-1", "gpu-1", "k3s-1", "k3s-2", "k3s-3"]
        let result = try runProcess("/usr/bin/env", ["python3", "-c", script] + hosts.map { dir.file("out/ignition/\($0).ign") })
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == hosts.count)
        for line in lines {
            let fields = line.split(separator: " ")
            let server = fields[1] == "k3s.service"
            for key in fields.dropFirst(2) {
                let flag = K3sFlag.named(String(key))
                #expect(flag != nil, "\(fields[0]): '\(key)' is no k3s flag")
                #expect(flag?.scope != (server ? .agent : .server), "\(fields[0]): '\(key)' is not read by this kind of node")
            }
        }
        #expect(lines.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
                == ["edge-1.ign k3s-agent.service", "gpu-1.ign k3s-agent.service", "k3s-1.ign k3s.service", "k3s-2.ign k3s.service", "k3s-3.ign k3s.service"])
    }

    /// What a node fetches from `igncc serve --assets` is what its config's hash pins (curl and
    /// sha256sum, the URL taken from the config as written).
    @Test func servedK3sMatchesThePinnedHash() throws {
        let curl = try RealConsumerTests.tool("curl", package: "curl")
        let dir = try scratchSample()
        defer { dir.remove() }
        #expect(try build(dir).status == 0)
        let server = try ServerProcess(directory: dir.file("out"), logPath: dir.file("serve.log"),
                                       extra: ["--assets", fakeK3sAssets(version: Self.version)])
        for (host, path) in [("gpu-1", "/usr/local/bin/k3s"), ("edge-1", "/opt/extensions/k3s/k3s-v1.33.4+k3s1-x86-64.raw")] {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/ignition/\(host).ign")))
            let config = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
            let files = try #require((config["storage"] as? [String: Any])?["files"] as? [[String: Any]])
            let contents = try #require(files.first { $0["path"] as? String == path }?["contents"] as? [String: Any])
            let url = try #require(contents["source"] as? String)
            let hash = try #require((contents["verification"] as? [String: Any])?["hash"] as? String)
            #expect(url.hasPrefix("http://192.168.50.2:8080/assets/k3s/"))
            // The URL as written, its host and port sent to the test's server.
            let fetched = try runProcess(curl, ["-fsS", "--connect-to", "192.168.50.2:8080:127.0.0.1:\(server.port)",
                                                "-o", dir.file("\(host).k3s"), url])
            #expect(fetched.status == 0, "\(fetched.stderr)")
            let sum = try runProcess("/usr/bin/env", ["sha256sum", dir.file("\(host).k3s")])
            #expect("sha256-" + (sum.stdout.split(separator: " ").first ?? "") == hash, "\(host)")
        }
        #expect(server.stop() == 0)
    }

    /// A snippet writing what igncc writes for k3s is refused where it says so (the k3s layer is
    /// added after snippets, so neither could win silently).
    @Test func snippetsMayNotWriteK3sFiles() throws {
        let text = try String(contentsOfFile: TestPaths.samples.appendingPathComponent("k3s/site.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "  edge-1:\n", with: """
                  edge-1:
                    butane: |
                      storage:
                        files:
                          - path: /etc/rancher/k3s/config.yaml
                            contents: {inline: "token: x"}
                      systemd:
                        units:
                          - name: k3s-agent.service
                            enabled: false

                """)
        let lines = diagnose(text)
        #expect(lines.contains { $0.hasSuffix("error: the Butane snippet of host 'edge-1' writes '/etc/rancher/k3s/config.yaml', which igncc writes for k3s on host 'edge-1'") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("error: the Butane snippet of host 'edge-1' configures unit 'k3s-agent.service', which igncc writes for k3s on host 'edge-1'") }, "\(lines)")
        #expect(lines.filter { $0.contains("note: igncc writes it for k3s from here") }.count == 2)
    }

    /// A token file outside site.yaml's directory cannot be named by a Butane `local`: no Butane
    /// files, said as a warning in a full build and an error when `butane` is asked for.
    @Test func butaneNeedsTheTokenBesideTheSite() throws {
        let text = try String(contentsOfFile: TestPaths.samples.appendingPathComponent("k3s/site.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "    version: v1.33.4+k3s1\n", with: "    version: v1.33.4+k3s1\n    token_file: ../secrets/k3s-token\n")
        let site = try #require(load(text).compilable)
        let message = "a Butane document names the k3s token by a path below site.yaml's directory, and '../secrets/k3s-token' is not: out/butane has no files"
        #expect(Compiler.check(site, targets: [.butane], explicit: true).all.map { "\($0.severity.rawValue): \($0.message)" } == ["error: " + message])
        #expect(Compiler.check(site, targets: [.butane], explicit: false).all.map { "\($0.severity.rawValue): \($0.message)" } == ["warning: " + message])
        #expect(!buildAll(site).contains { $0.relativePath.hasPrefix("butane/") })
    }
}
