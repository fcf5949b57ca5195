import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

enum TestPaths {
    /// The package root, found from this file's place in the tree.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let samples = packageRoot.appendingPathComponent("samples")
    static let fixtures = packageRoot.appendingPathComponent("Tests/IgnitionCompilerTests/Fixtures")

    /// The `igncc` binary built beside the test bundle.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["IGNCC_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("igncc").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot.appendingPathComponent(".build/debug/igncc").path
    }

    /// The k3s samples: built with `--assets` (`fakeK3sAssets`) from a scratch copy, as their
    /// build makes the token file beside site.yaml (never in the repository).
    static func isK3sSample(_ sample: String) -> Bool {
        (try? String(contentsOf: samples.appendingPathComponent("\(sample)/site.yaml"), encoding: .utf8))?
            .contains("\n  distribution: k3s\n") ?? false
    }

    /// The site file to give `igncc build`/`check` for `sample`, and the extra arguments: a k3s
    /// sample is copied into `scratch` first.
    static func sampleInvocation(_ sample: String, scratch: String) throws -> (site: String, arguments: [String]) {
        let site = samples.appendingPathComponent("\(sample)/site.yaml").path
        guard isK3sSample(sample) else { return (site, []) }
        let copy = scratch + "/\(sample)-site.yaml"
        if !FileManager.default.fileExists(atPath: copy) { try FileManager.default.copyItem(atPath: site, toPath: copy) }
        let text = try String(contentsOfFile: site, encoding: .utf8)
        let version = try #require(text.firstMatch(of: /\n    version: (\S+)\n/)?.1)
        return (copy, ["--assets", fakeK3sAssets(version: String(version))])
    }

    static func sampleNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? []).sorted()
    }

    /// Every sample's site, loaded with `backends`' rules; a sample that does not compile fails
    /// the calling test with its diagnostics.
    static func compilableSamples(backends: [any Backend] = InventoryGen.allBackends) throws -> [(name: String, site: Site)] {
        try sampleNames().map { sample in
            let loaded = Compiler.load(path: samples.appendingPathComponent("\(sample)/site.yaml").path, backends: backends)
            return (sample, try #require(loaded.compilable, "\(sample): \(loaded.diagnostics.sorted)"))
        }
    }
}

/// A fresh temporary directory, removed by the caller with `remove()`.
struct TemporaryDirectory {
    let path: String

    /// In `parent`, or in the usual temporary directory.
    init(in parent: String? = nil) throws {
        var template = Array(((parent ?? NSTemporaryDirectory()) + "/igncc-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: false, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion, feeding `input` on standard input.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], input: String? = nil, directory: String? = nil,
                environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe(), inp = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inp
    try process.run()
    if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
    try inp.fileHandleForWriting.close()
    // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// The full path of a program on PATH, or nil.
func which(_ program: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Loads site text as `site.yaml`, with the core backends' rules (or those of `backends`).
func load(_ yaml: String, backends: [any Backend] = Compiler.coreBackends) -> LoadedSite {
    Compiler.load(bytes: Array(yaml.utf8), displayName: "site.yaml", backends: backends)
}

/// The printed headline of every diagnostic and note (no snippets), in reporting order, with
/// the rules of every backend (InventoryGen's too) unless `backends` says otherwise.
func diagnose(_ yaml: String, backends: [any Backend] = InventoryGen.allBackends) -> [String] {
    let loaded = load(yaml, backends: backends)
    let renderer = DiagnosticRenderer(sources: loaded.sources)
    return loaded.diagnostics.sorted.flatMap { diagnostic in
        renderer.render(diagnostic).split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
    }
}

/// A loaded site that must have no errors, and exactly `warnings` (as `diagnose` prints them),
/// under the rules of `backends` (every backend's by default).
func compile(_ yaml: String, backends: [any Backend] = InventoryGen.allBackends, warnings: [String] = [],
             sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Site {
    let loaded = load(yaml, backends: backends)
    #expect(diagnose(yaml, backends: backends) == warnings, sourceLocation: sourceLocation)
    return try #require(loaded.compilable, sourceLocation: sourceLocation)
}

/// Kubespray's warning for a host without a static address, at `line` (the host's key).
func noAddressWarning(_ host: String, line: Int, network: String = "the node network") -> String {
    "site.yaml:\(line):3: warning: host '\(host)' has no static address, so no 'ansible_host': Ansible will connect to the name '\(host)', which no record of the site resolves; give it a static 'address' on \(network)"
}

/// Builds `site` with every backend on a fixed day, so that zone serials are stable.
/// A k3s site is built with `testK3sInputs`.
func buildAll(_ site: Site, targets: [BuildTarget] = BuildTarget.allCases, previousOutput: String? = nil) -> [OutputFile] {
    Compiler.build(site, options: BuildOptions(targets: targets, date: testDate, previousOutput: previousOutput,
                                               k3s: testK3sInputs(site)),
                   backends: InventoryGen.allBackends)
}

/// `Compiler.build`, with `testK3sInputs` for a k3s site (a user's build gathers them).
func testBuild(_ site: Site, options: BuildOptions = BuildOptions(), backends: [any Backend] = Compiler.coreBackends) -> [OutputFile] {
    var options = options
    if options.k3s == nil { options.k3s = testK3sInputs(site) }
    return Compiler.build(site, options: options, backends: backends)
}

/// The token tests build k3s sites with (a build creates a random one beside site.yaml).
let testK3sToken = "1e57" + String(repeating: "0", count: 56) + "70ce"

/// What a k3s site's build needs, for tests: `testK3sToken`, and k3s fetched as the site says,
/// with the hash of `fakeK3sFile(os:version:)` where the site gives no `sha256` (as if built with
/// `--assets` holding those files). Nil for other sites.
func testK3sInputs(_ site: Site) -> K3sBuildInputs? {
    guard let k3s = site.kubernetes?.k3s else { return nil }
    var artifacts: [OperatingSystem: K3sIgnition.Artifact] = [:]
    let assets = fakeK3sAssets(version: k3s.version.value)
    for os in OperatingSystem.allCases {
        var diagnostics = Diagnostics()
        guard site.hosts.contains(where: { $0.os.value == os }) else { continue }
        if let artifact = K3sArtifacts.resolve(os, in: site, assets: assets, diagnostics: &diagnostics) {
            artifacts[os] = artifact
        } else {
            // The test's site cannot be built as a user would build it: say why, build on.
            Issue.record("k3s test site: \(diagnostics.all.map(\.message))")
            artifacts[os] = K3sIgnition.Artifact(url: "http://k3s.invalid/k3s", sha256: String(repeating: "0", count: 64))
        }
    }
    return K3sBuildInputs(token: testK3sToken, tokenLocalPath: K3sBuildInputs.localPath(of: site), artifacts: artifacts)
}

/// The contents of the stand-in k3s binary (Fedora CoreOS) or system extension (Flatcar) tests
/// serve and hash: a few bytes, not k3s.
func fakeK3sFile(_ os: OperatingSystem, version: String) -> [UInt8] {
    Array("igncc test stand-in for k3s \(version) (\(os == .fcos ? "binary" : "sysext"))\n".utf8)
}

/// An assets folder laid out as `igncc serve --assets` serves k3s, holding `fakeK3sFile`s
/// (made once per version, under the system's temporary directory, never removed).
func fakeK3sAssets(version: String) -> String {
    let root = FileManager.default.temporaryDirectory.path + "/igncc-test-k3s-assets-\(getuid())/\(version)"
    for os in OperatingSystem.allCases {
        let relative = String(K3sIgnition.defaultPath(os, version: version).dropFirst("assets/".count))
        let path = root + "/" + relative
        if FileManager.default.contents(atPath: path) == Data(fakeK3sFile(os, version: version)) { continue }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid()).\(UInt64.random(in: 0 ... .max))"
        _ = FileManager.default.createFile(atPath: temporary, contents: Data(fakeK3sFile(os, version: version)))
        rename(temporary, path)
    }
    return root
}

/// The day tests build on.
let testDate = BuildDate(year: 2026, month: 11, day: 23)

/// A small valid site; tests append or substitute lines. Line numbers are part of the tests.
let minimalSite = """
version: 1
site: demo
domain: demo.example
defaults:
  os: fcos
  install_disk: /dev/sda
  ssh_authorized_keys:
    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo
networks:
  lan:
    cidr: 192.168.1.0/24
    gateway: 192.168.1.1
    dns: [192.168.1.10]
hosts:
  node1:
    roles: [control-plane, etcd, worker]
    nics:
      - {mac: 52:54:00:00:01:21, network: lan, address: 192.168.1.21}

"""

/// A TCP port on 127.0.0.1 that nothing listens on now.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
