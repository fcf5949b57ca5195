import Foundation
import Testing
@testable import IgnitionCompiler

/// What `igncc serve` hands out: by default only what machines fetch (ignition/, install/, the MAC
/// endpoints, /assets/); the other targets' trees only when named with `--expose`.
@Suite(.serialized) struct ServeExposureTests {
    static let machineTrees = ["ignition/", "install/"]
    static let hiddenTrees = ["network/", "butane/", "kubespray/", "bind/", "libvirt/", "dnsmasq/", "kea/"]

    /// The lacave sample built with every target, and its listed paths.
    static func buildAll(_ dir: TemporaryDirectory) throws -> (out: String, paths: [String]) {
        let out = dir.file("out")
        try ServeTests.build(ServeTests.lacave, into: out)
        let paths = try ServeTests.sums(out).map(\.path)
        for tree in machineTrees + hiddenTrees {
            #expect(paths.contains { $0.hasPrefix(tree) }, "the build has no \(tree): the test would prove nothing")
        }
        #expect(paths.contains("kubespray/group_vars/k8s_cluster/k8s-cluster.yml"))
        #expect(paths.contains { $0.hasPrefix("kubespray/host_vars/") })
        return (out, paths)
    }

    /// A reply without its Date header, to compare two 404s.
    static func shape(_ reply: RawHTTP.Reply) -> String {
        let headers = reply.headers.filter { $0.key != "date" }.sorted { $0.key < $1.key }
        return "\(reply.status) \(headers) \(reply.body)"
    }

    /// Asserts that `path` answers exactly like a path that does not exist, to GET and to HEAD.
    static func expectHidden(_ path: String, on server: ServerProcess, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let unknownGet = shape(try server.client.get("/no-such-file"))
        let unknownHead = shape(try server.client.request("HEAD", "/no-such-file"))
        let get = try server.client.get("/" + path)
        #expect(get.status == 404, "GET \(path) → \(get.status)", sourceLocation: sourceLocation)
        #expect(shape(get) == unknownGet, "GET \(path)", sourceLocation: sourceLocation)
        #expect(shape(try server.client.request("HEAD", "/" + path)) == unknownHead, "HEAD \(path)", sourceLocation: sourceLocation)
    }

    static func expectServed(_ path: String, from out: String, on server: ServerProcess,
                             sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let get = try server.client.get("/" + path)
        #expect(get.status == 200, "GET \(path) → \(get.status)", sourceLocation: sourceLocation)
        #expect(get.body == [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + path))), "\(path)", sourceLocation: sourceLocation)
        #expect(try server.client.request("HEAD", "/" + path).status == 200, "HEAD \(path)", sourceLocation: sourceLocation)
    }

    @Test func servesOnlyWhatMachinesFetchByDefault() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (out, paths) = try Self.buildAll(dir)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let served = paths.filter { path in Self.machineTrees.contains { path.hasPrefix($0) } }
        // boot.ipxe, the static layout's, is not served: /boot.ipxe is answered (ServeTests).
        #expect(paths.contains("boot.ipxe"))
        for path in paths where path != "boot.ipxe" {
            if served.contains(path) {
                try Self.expectServed(path, from: out, on: server)
            } else {
                try Self.expectHidden(path, on: server)
            }
        }
        try Self.expectHidden("SHA512SUMS", on: server)
        // The MAC endpoints: kube01 owns 52:54:00:00:01:21.
        let config = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/ignition/kube01.ign")))
        let byMAC = try server.client.get("/ignition?mac=52:54:00:00:01:21")
        #expect(byMAC.status == 200 && byMAC.body == config)
        #expect(try server.client.get("/ipxe?mac=52-54-00-00-01-21").status == 200)
        #expect(try server.client.get("/boot.ipxe").status == 200)
        #expect(server.stop() == 0)
        let listening = try #require(server.log.split(separator: "\n").first { $0.contains("event=listening") })
        #expect(listening.hasSuffix(" event=listening version=\(Compiler.version) address=127.0.0.1:\(server.port) dir=\(out) prefix=/ "
                                    + "files=\(served.count) hosts=4 exposed=ignition,install,mac-endpoints"),
                "\(listening)")
    }

    /// `--expose kubespray` adds kubespray/ and nothing else; repeated and comma-separated names
    /// add up; `--assets` shows in the listening event.
    @Test func exposesNamedTargetsOnly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (out, paths) = try Self.buildAll(dir)
        let one = try ServerProcess(directory: out, logPath: dir.file("one.log"), extra: ["--expose", "kubespray"])
        for path in paths where Self.hiddenTrees.contains(where: { path.hasPrefix($0) }) {
            if path.hasPrefix("kubespray/") {
                try Self.expectServed(path, from: out, on: one)
            } else {
                try Self.expectHidden(path, on: one)
            }
        }
        try Self.expectHidden("SHA512SUMS", on: one)
        #expect(one.stop() == 0)
        let kubesprayCount = paths.filter { $0.hasPrefix("kubespray/") }.count
        let machineCount = paths.filter { path in Self.machineTrees.contains { path.hasPrefix($0) } }.count
        #expect(one.log.contains(" files=\(machineCount + kubesprayCount) hosts=4 exposed=ignition,install,mac-endpoints,kubespray\n"), "\(one.log)")

        try FileManager.default.createDirectory(atPath: dir.file("assets"), withIntermediateDirectories: true)
        let several = try ServerProcess(directory: out, logPath: dir.file("several.log"),
                                        extra: ["--expose", "libvirt,network", "--expose", "bind-zone,dnsmasq", "--assets", dir.file("assets")])
        for path in paths where Self.hiddenTrees.contains(where: { path.hasPrefix($0) }) {
            if path.hasPrefix("kubespray/") || path.hasPrefix("butane/") || path.hasPrefix("kea/") {
                try Self.expectHidden(path, on: several)
            } else {
                try Self.expectServed(path, from: out, on: several)
            }
        }
        #expect(several.stop() == 0)
        #expect(several.log.contains(" hosts=4 exposed=ignition,install,assets,mac-endpoints,network,bind-zone,libvirt,dnsmasq\n"), "\(several.log)")
    }

    /// A name that is no exposable target is a usage error that lists the choices; nothing listens.
    @Test func refusesAnUnknownTarget() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try ServeTests.build(ServeTests.lacave, into: out)
        let choices = "network, butane, kubespray, k3s, bind-zone, libvirt, dnsmasq, kea"
        for (arguments, message) in [
            (["--expose", "foo"], "unknown --expose 'foo': choose from \(choices) (ignition/ and install/ are always served)"),
            (["--expose", "kubespray,bind"], "unknown --expose 'bind': choose from \(choices)"),
            (["--expose", "kubespray,"], "unknown --expose '': choose from \(choices)"),
            (["--expose", "install"], "--expose 'install': ignition/ and install/ are always served; --expose takes one of \(choices)"),
        ] {
            let result = try runProcess(TestPaths.binary, ["serve", out, "--listen", "127.0.0.1:\(try freePort())"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.status)")
            #expect(result.stderr.contains("Error: " + message), "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("event=listening"))
        }
    }

    /// A rebuild swapped in is filtered like the first: hidden trees stay hidden, new configs are served.
    @Test func reloadsApplyTheSameFilter() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (out, paths) = try Self.buildAll(dir)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let text = try String(contentsOfFile: ServeTests.lacave, encoding: .utf8)
        try text.replacingOccurrences(of: "timezone: America/Toronto", with: "timezone: Europe/Paris")
            .write(toFile: dir.file("site.yaml"), atomically: false, encoding: .utf8)
        try ServeTests.build(dir.file("site.yaml"), into: out)
        let fresh = try #require(try ServeTests.sums(out).first { $0.path == "ignition/kube01.ign" }?.hex)
        var tag = ""
        for _ in 0..<100 {
            tag = try server.client.get("/ignition/kube01.ign")["etag"] ?? ""
            if tag == "\"\(fresh)\"" { break }
            usleep(100_000)
        }
        #expect(tag == "\"\(fresh)\"", "the rebuild was not picked up")
        for path in paths where Self.hiddenTrees.contains(where: { path.hasPrefix($0) }) {
            try Self.expectHidden(path, on: server)
        }
        let served = paths.filter { path in Self.machineTrees.contains { path.hasPrefix($0) } }.count
        #expect(server.stop() == 0)
        #expect(server.log.contains("event=reloaded prefix=/ files=\(served) hosts=4\n"), "\(server.log)")
    }
}
