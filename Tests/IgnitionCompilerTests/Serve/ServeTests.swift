import Crypto
import Foundation
import Testing
@testable import IgnitionCompiler

/// `igncc serve`, started for real on 127.0.0.1 and asked over sockets and with curl.
@Suite(.serialized) struct ServeTests {
    static let lacave = TestPaths.samples.appendingPathComponent("lacave/site.yaml").path

    /// Builds `site` into `dir/out` with the binary, as a user does.
    static func build(_ site: String, into out: String) throws {
        let result = try runProcess(TestPaths.binary, ["build", site, "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func sums(_ out: String) throws -> [(hex: String, path: String)] {
        try String(contentsOfFile: out + "/SHA512SUMS", encoding: .utf8).split(separator: "\n").map {
            (String($0.prefix(128)), String($0.dropFirst(130)))
        }
    }

    @Test func servesEveryListedFileByteForByte() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        // Every target exposed, so that every listed file is served (ServeExposureTests: the default).
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"),
                                       extra: ["--expose", "network,butane,kubespray,bind-zone,libvirt,dnsmasq,kea"])
        for (hex, path) in try Self.sums(out) where path != "boot.ipxe" {
            let reply = try server.client.get("/" + path)
            #expect(reply.status == 200, "\(path)")
            #expect(Checksums.hex(of: reply.body) == hex, "\(path)")
            #expect(reply.body == [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + path))))
            #expect(reply["etag"] == "\"\(hex)\"")
            #expect(reply["content-length"] == String(reply.body.count))
            #expect(reply["content-type"] == (path.hasSuffix(".ign") || path.hasSuffix(".json") ? "application/json" : "text/plain; charset=utf-8"))
        }
        // boot.ipxe is answered, not served: the dynamic script, not the file for other servers.
        let boot = try server.client.get("/boot.ipxe")
        #expect(boot.status == 200 && String(decoding: boot.body, as: UTF8.self).contains("chain --replace --autofree /ipxe?mac=${mac:hexhyp}&probe=1 ||\n"))
        #expect(boot.body != [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/boot.ipxe"))))
        // HEAD: the same headers, no body.
        let size = try FileManager.default.attributesOfItem(atPath: out + "/ignition/kube01.ign")[.size] as? Int
        let head = try server.client.request("HEAD", "/ignition/kube01.ign")
        #expect(head.status == 200 && head.body.isEmpty && head["content-length"] == size.map(String.init))
        #expect(try server.client.request("POST", "/ignition/kube01.ign").status == 405)
        #expect(server.stop() == 0)
        #expect(server.log.contains("event=stopped"))
    }

    @Test func rangesAndConditionalRequests() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/ignition/kube02.ign")))
        let client = server.client
        let middle = try client.get("/ignition/kube02.ign", headers: ["Range": "bytes=5-14"])
        #expect(middle.status == 206 && middle.body == Array(bytes[5...14]))
        #expect(middle["content-range"] == "bytes 5-14/\(bytes.count)")
        let tail = try client.get("/ignition/kube02.ign", headers: ["Range": "bytes=-7"])
        #expect(tail.status == 206 && tail.body == Array(bytes.suffix(7)))
        let open = try client.get("/ignition/kube02.ign", headers: ["Range": "bytes=100-"])
        #expect(open.status == 206 && open.body == Array(bytes[100...]))
        let beyond = try client.get("/ignition/kube02.ign", headers: ["Range": "bytes=\(bytes.count)-"])
        #expect(beyond.status == 416 && beyond["content-range"] == "bytes */\(bytes.count)")
        let several = try client.get("/ignition/kube02.ign", headers: ["Range": "bytes=0-1,4-5"])
        #expect(several.status == 200 && several.body == bytes)

        let etag = try #require(try client.get("/ignition/kube02.ign")["etag"])
        let cached = try client.get("/ignition/kube02.ign", headers: ["If-None-Match": etag])
        #expect(cached.status == 304 && cached.body.isEmpty && cached["etag"] == etag)
        #expect(try client.get("/ignition/kube02.ign", headers: ["If-None-Match": "\"other\", W/\(etag)"]).status == 304)
        #expect(try client.get("/ignition/kube02.ign", headers: ["If-None-Match": "\"other\""]).status == 200)
        // If-Range with a stale tag: the whole (new) file, not a piece of it.
        let stale = try client.get("/ignition/kube02.ign", headers: ["Range": "bytes=0-3", "If-Range": "\"stale\""])
        #expect(stale.status == 200 && stale.body == bytes)
    }

    /// Only the files SHA512SUMS lists, by their exact names: no traversal, encoded or not, no
    /// absolute-form or doubled slashes, no dotfiles, no listings, no symbolic links.
    @Test func refusesEverythingElse() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        try "secret\n".write(toFile: dir.file("secret.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: out + "/ignition/link.ign", withDestinationPath: dir.file("secret.txt"))
        try "unlisted\n".write(toFile: out + "/ignition/unlisted.ign", atomically: false, encoding: .utf8)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        for target in [
            "/../secret.txt", "/ignition/../../secret.txt", "/%2e%2e/secret.txt", "/ignition/%2e%2e/%2e%2e/secret.txt",
            "/ignition/%2E%2E%2Fkube01.ign", "/ignition/..%2f..%2fsecret.txt", "//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd",
            "http://127.0.0.1/etc/passwd", "/ignition//kube01.ign", "/./ignition/kube01.ign", "/ignition/./kube01.ign",
            "/SHA512SUMS", "/.igncc-output", "/ignition/", "/ignition", "/", "/ignition/link.ign", "/ignition/unlisted.ign",
            "/ignition/kube01.ign%00", "/ignition\\kube01.ign", "/%zz", "*",
        ] {
            let reply = try server.client.get(target)
            #expect(reply.status == 404 || reply.status == 400, "\(target) → \(reply.status)")
            #expect(!String(decoding: reply.body, as: UTF8.self).contains("secret"), "\(target)")
        }
        #expect(try server.client.get("/ignition/kube01.ign").status == 200)
    }

    /// A tree that lists a symbolic link is not served at all.
    @Test func refusesATreeWithALinkInIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        let config = out + "/ignition/kube01.ign"
        try FileManager.default.moveItem(atPath: config, toPath: dir.file("kube01.ign"))
        try FileManager.default.createSymbolicLink(atPath: config, withDestinationPath: dir.file("kube01.ign"))
        let result = try runProcess(TestPaths.binary, ["serve", out, "--listen", "127.0.0.1:\(try freePort())"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot open 'ignition/kube01.ign'"), "\(result.stderr)")
    }

    /// A rebuild into the served directory is picked up without a restart, and no answer ever mixes
    /// two builds: every body matches the ETag it came with, and every ETag is one build's.
    @Test func picksUpARebuildAndNeverMixesBuilds() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        let before = Dictionary(uniqueKeysWithValues: try Self.sums(out).map { ($0.path, $0.hex) })
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))

        let text = try String(contentsOfFile: Self.lacave, encoding: .utf8)
        try text.replacingOccurrences(of: "timezone: America/Toronto", with: "timezone: Europe/Paris")
            .write(toFile: dir.file("site.yaml"), atomically: false, encoding: .utf8)
        let stop = LockedFlag()
        let client = server.client
        nonisolated(unsafe) var seen: [String: Set<String>] = [:]
        nonisolated(unsafe) var problems: [String] = []
        let reader = Thread {
            while !stop.value {
                for host in ["kube01", "kube04"] {
                    guard let reply = try? client.get("/ignition/\(host).ign") else { continue }
                    let tag = reply["etag"] ?? ""
                    if tag != "\"\(Checksums.hex(of: reply.body))\"" { problems.append("\(host): body does not match its ETag") }
                    seen[host, default: []].insert(tag)
                }
            }
        }
        reader.start()
        for round in 0..<6 {
            try Self.build(round % 2 == 0 ? dir.file("site.yaml") : Self.lacave, into: out)
            usleep(150_000)
        }
        try Self.build(dir.file("site.yaml"), into: out)
        let after = Dictionary(uniqueKeysWithValues: try Self.sums(out).map { ($0.path, $0.hex) })
        #expect(after["ignition/kube01.ign"] != before["ignition/kube01.ign"])
        var current = ""
        for _ in 0..<100 {
            current = try client.get("/ignition/kube01.ign")["etag"] ?? ""
            if current == "\"\(after["ignition/kube01.ign"]!)\"" { break }
            usleep(100_000)
        }
        stop.set()
        while reader.isExecuting { usleep(10_000) }
        #expect(current == "\"\(after["ignition/kube01.ign"]!)\"")
        #expect(problems.isEmpty, "\(problems.prefix(3))")
        for (host, tags) in seen {
            let allowed: Set<String> = ["\"\(before["ignition/\(host).ign"]!)\"", "\"\(after["ignition/\(host).ign"]!)\""]
            #expect(tags.isSubset(of: allowed), "\(host): \(tags)")
        }
        #expect(server.log.contains("event=reloaded"))
    }

    /// `/ignition?mac=` and `/ipxe?mac=` find the host owning the MAC, however it is spelled.
    @Test func findsHostsByMAC() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(TestPaths.samples.appendingPathComponent("lab/site.yaml").path, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let config = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/ignition/k8s-2.ign")))
        let script = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/install/ipxe/k8s-2.ipxe")))
        // k8s-2 has 52:54:00:76:0a:15 on wan and 52:54:00:76:0b:15 on vswitch.
        for mac in ["52:54:00:76:0a:15", "52-54-00-76-0A-15", "5254.0076.0a15", "525400760A15", "52%3A54%3A00%3A76%3A0a%3A15",
                    "52:54:00:76:0b:15", "52-54-00-76-0b-15"] {
            let reply = try server.client.get("/ignition?mac=\(mac)")
            #expect(reply.status == 200 && reply.body == config, "\(mac)")
            #expect(reply["content-type"] == "application/json")
            let ipxe = try server.client.get("/ipxe?mac=\(mac)&probe=1")
            #expect(ipxe.status == 200 && ipxe.body == script, "\(mac)")
        }
        #expect(try server.client.get("/ignition?mac=52:54:00:76:0a:99").status == 404)
        #expect(try server.client.get("/ignition?mac=not-a-mac").status == 404)
        #expect(try server.client.get("/ipxe?mac=52:54:00:76:0a:99&probe=1").status == 404)
        #expect(server.stop() == 0)
        #expect(server.log.contains("path=\"/ignition?mac=525400760A15\" status=200 bytes=\(config.count) host=k8s-2 "))
    }

    /// install/by-mac/ is served as the rest of install/: each copy is its host's script, and the
    /// access log names the host.
    @Test func servesByMACCopies() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(TestPaths.samples.appendingPathComponent("lab/site.yaml").path, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        // Each lab host has a NIC on wan (52:54:00:76:0a:…) and one on vswitch (…:0b:…).
        for (host, last) in [("k8s-1", "14"), ("k8s-2", "15"), ("k8s-3", "16")] {
            let script = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/install/ipxe/\(host).ipxe")))
            for nic in ["0a", "0b"] {
                let reply = try server.client.get("/install/by-mac/52-54-00-76-\(nic)-\(last).ipxe")
                #expect(reply.status == 200 && reply.body == script, "\(host) \(nic)")
                #expect(reply["etag"] == "\"\(Checksums.hex(of: script))\"")
            }
        }
        // Only the exact name: another spelling of the MAC is a path that does not exist.
        #expect(try server.client.get("/install/by-mac/52:54:00:76:0a:15.ipxe").status == 404)
        #expect(try server.client.get("/install/by-mac/52-54-00-76-0A-15.ipxe").status == 404)
        #expect(try server.client.get("/install/by-mac/").status == 404)
        #expect(server.stop() == 0)
        #expect(server.log.contains("method=GET path=/install/by-mac/52-54-00-76-0b-15.ipxe status=200 bytes="), "\(server.log)")
        #expect(server.log.split(separator: "\n").filter { $0.contains("path=/install/by-mac/52-54-00-76-0b-15.ipxe status=200 ") }
            .allSatisfy { $0.contains(" host=k8s-2 ") })
    }

    /// An unknown machine gets a script that names its MAC and boots the disk, and the log a stub to paste.
    @Test func unknownMachineGetsAScriptAndALoggedStub() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let reply = try server.client.get("/ipxe?mac=52-54-00-AA-BB-CC")
        #expect(reply.status == 200)
        let text = String(decoding: reply.body, as: UTF8.self)
        #expect(text.hasPrefix("#!ipxe\n"))
        #expect(text.contains("echo igncc: no host of site lacave has the MAC 52:54:00:aa:bb:cc\n"))
        #expect(text.hasSuffix("exit\n"))
        let boot = String(decoding: try server.client.get("/boot.ipxe").body, as: UTF8.self)
        #expect(boot.contains("chain --replace --autofree /ipxe?mac=${net1/mac:hexhyp}&probe=1 ||\n"))
        #expect(server.stop() == 0)
        // 127.0.0.1 is in no network of the site: the stub says so.
        #expect(server.log.contains("event=unknown-mac mac=52:54:00:aa:bb:cc remote=127.0.0.1 stub=\"  node-525400aabbcc: {roles: [worker], nics: [{mac: 52:54:00:aa:bb:cc, network: CHANGE-ME}]}\""))
    }

    /// The command a host's script prints is what a real curl downloads: same bytes, same sha512.
    @Test func curlReproducesThePrintedHash() throws {
        let curl = try RealConsumerTests.tool("curl", package: "curl")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        for host in ["kube01", "kube04"] {
            let script = try String(contentsOfFile: out + "/install/\(host).sh", encoding: .utf8)
            let hash = try #require(script.firstMatch(of: /(?:sha512-|printf '%s  %s\\n' )([0-9a-f]{128})/)?.1)
            let fetched = try runProcess(curl, ["-fsS", "-o", dir.file("\(host).ign"), "http://127.0.0.1:\(server.port)/ignition/\(host).ign"])
            #expect(fetched.status == 0, "\(fetched.stderr)")
            let check = try runProcess("/usr/bin/env", ["sha512sum", dir.file("\(host).ign")])
            #expect(check.stdout.hasPrefix(String(hash) + " "), "\(host): \(check.stdout) vs \(hash)")
        }
    }

    @Test func servesAssets() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        try FileManager.default.createDirectory(atPath: dir.file("assets/fcos"), withIntermediateDirectories: true)
        let kernel = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(kernel).write(to: URL(fileURLWithPath: dir.file("assets/fcos/fedora-coreos-live-kernel.x86_64")))
        try "hidden".write(toFile: dir.file("assets/.hidden"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.file("assets/passwd"), withDestinationPath: "/etc/passwd")
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"), extra: ["--assets", dir.file("assets")])
        let whole = try server.client.get("/assets/fcos/fedora-coreos-live-kernel.x86_64")
        #expect(whole.status == 200 && whole.body == kernel)
        let part = try server.client.get("/assets/fcos/fedora-coreos-live-kernel.x86_64", headers: ["Range": "bytes=262140-262150"])
        #expect(part.status == 206 && part.body == Array(kernel[262140...262150]))
        let head = try server.client.request("HEAD", "/assets/fcos/fedora-coreos-live-kernel.x86_64")
        #expect(head.status == 200 && head.body.isEmpty && head["content-length"] == "300000")
        for target in ["/assets/.hidden", "/assets/passwd", "/assets/../out/SHA512SUMS", "/assets/fcos", "/assets/", "/assets/%2e%2e/assets/fcos/fedora-coreos-live-kernel.x86_64"] {
            #expect(try server.client.get(target).status == 404, "\(target)")
        }
    }

    @Test func accessLogHasOneLinePerRequest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try Self.build(Self.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        _ = try server.client.get("/ignition/kube03.ign")
        _ = try server.client.get("/nothing")
        _ = try server.client.request("HEAD", "/ignition/kube03.ign")
        #expect(server.stop() == 0)
        let lines = server.log.split(separator: "\n")
        #expect(lines.filter { $0.contains("method=GET path=/ignition/kube03.ign status=200 bytes=") }.count == 1)
        #expect(lines.filter { $0.contains("method=HEAD path=/ignition/kube03.ign status=200 ") }.count == 1)
        #expect(lines.filter { $0.contains("method=GET path=/nothing status=404 bytes=10 host=- ") }.count == 1)
        #expect(lines.filter { $0.contains(" method=") }.allSatisfy { $0.hasPrefix("time=") && $0.contains(" remote=127.0.0.1 ") })
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}
