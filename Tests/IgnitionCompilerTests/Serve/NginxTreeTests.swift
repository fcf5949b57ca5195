import Foundation
import Testing
@testable import IgnitionCompiler

/// The static layout (`boot.ipxe`, `install/by-mac/`) served by a real nginx (Debian's
/// `nginx-light`) with the server block README.md shows, read out of README.md: what it serves
/// and hides, and iPXE's walk from `boot.ipxe` through the chains to each host's script and
/// config, at the root and below a base URL's path.
@Suite(.serialized) struct NginxTreeTests {
    /// The block after README's marker, from its "```nginx" line to the closing fence.
    static func readmeServerBlock() throws -> String {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = try #require(readme.range(of: "<!-- nginx-server-block:"), "README.md has no nginx server block marker")
        let rest = readme[marker.upperBound...]
        let open = try #require(rest.range(of: "```nginx\n"))
        let close = try #require(rest[open.upperBound...].range(of: "\n```\n"))
        return String(rest[open.upperBound..<close.lowerBound]) + "\n"
    }

    /// nginx in the foreground, one process, on `port`, with README's block for the tree in
    /// `dir/out` and the images in `dir/assets`; stopped (SIGTERM, then waited for) by `stop()`.
    final class Nginx {
        let process = Process()
        let port: Int
        let dir: TemporaryDirectory

        init(dir: TemporaryDirectory, port: Int, prefix: String?) throws {
            let nginx = try #require(which("nginx") ?? ["/usr/sbin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                     "'nginx' is missing: install the Debian package 'nginx-light' (scripts/install-deps does)")
            self.port = port
            self.dir = dir
            var block = try NginxTreeTests.readmeServerBlock()
            #expect(block.contains("listen 8080;") && block.contains("/srv/igncc/out;") && block.contains("root /srv/igncc;"))
            block = block.replacingOccurrences(of: "listen 8080;", with: "listen 127.0.0.1:\(port);")
                .replacingOccurrences(of: "/srv/igncc", with: dir.path)
            if let prefix {
                let line = "    # rewrite ^/kubernetes(/.*)$ $1 last;\n"
                #expect(block.contains(line))
                block = block.replacingOccurrences(of: line, with: "    rewrite ^/\(prefix)(/.*)$ $1 last;\n")
            }
            let state = dir.file("nginx")
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            // A master process: it waits for signals with sigsuspend, so SIGTERM reaches it even
            // though the test's threads (whose mask nginx inherits) block it; its worker reads the
            // tree as the user running the test (0600 configs).
            let user = geteuid() == 0 ? "user root;\n" : ""
            let config = """
                daemon off;
                master_process on;
                \(user)worker_processes 1;
                pid \(state)/nginx.pid;
                error_log \(state)/error.log info;
                events { worker_connections 64; }
                http {
                    access_log \(state)/access.log;
                    client_body_temp_path \(state)/body;
                    proxy_temp_path \(state)/proxy;
                    fastcgi_temp_path \(state)/fastcgi;
                \(block)}

                """
            try config.write(toFile: state + "/nginx.conf", atomically: false, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: nginx)
            process.arguments = ["-p", state, "-e", state + "/error.log", "-c", state + "/nginx.conf"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<200 {
                if (try? RawHTTP(port: port).get("/boot.ipxe")) != nil { return }
                if !process.isRunning { break }
                usleep(50_000)
            }
            let log = (try? String(contentsOfFile: state + "/error.log", encoding: .utf8)) ?? ""
            stop()
            Issue.record("nginx did not start: \(log)")
            throw POSIXError(.ETIMEDOUT)
        }

        var client: RawHTTP { RawHTTP(port: port) }

        /// SIGTERM to the master, which stops its worker; after 10 seconds, SIGKILL to both.
        func stop() {
            guard process.isRunning else { return }
            let master = process.processIdentifier
            let workers = Self.children(of: master)
            process.terminate()
            for _ in 0..<200 where process.isRunning { usleep(50_000) }
            if process.isRunning {
                Issue.record("nginx ignored SIGTERM: killed")
                for pid in [master] + workers { kill(pid, SIGKILL) }
            }
            process.waitUntilExit()
        }

        /// The processes whose parent is `pid` (from /proc).
        static func children(of pid: Int32) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { entry -> Int32? in
                guard let child = Int32(entry),
                      let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return nil }
                // After "pid (comm) ": the state, then the parent's pid.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
            }
        }

        deinit { stop() }
    }

    /// The lacave sample with `base_url` on nginx's port (below `prefix` when given), built with the
    /// binary, and the default boot images under `dir/assets`.
    static func build(_ dir: TemporaryDirectory, port: Int, prefix: String?) throws -> String {
        var text = try String(contentsOfFile: ServeTests.lacave, encoding: .utf8)
        let old = "base_url: http://elrond.lacave.info:8080"
        try #require(text.contains(old))
        let base = "http://127.0.0.1:\(port)" + (prefix.map { "/" + $0 } ?? "")
        text = text.replacingOccurrences(of: old, with: "base_url: \(base)")
        try dir.write("site.yaml", text)
        try ServeTests.build(dir.file("site.yaml"), into: dir.file("out"))
        for image in ["fcos/fedora-coreos-live-kernel.x86_64", "fcos/fedora-coreos-live-initramfs.x86_64.img",
                      "fcos/fedora-coreos-live-rootfs.x86_64.img", "flatcar/flatcar_production_pxe.vmlinuz",
                      "flatcar/flatcar_production_pxe_image.cpio.gz"] {
            let path = dir.file("assets/" + image)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try "image \(image)\n".write(toFile: path, atomically: false, encoding: .utf8)
        }
        return base
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The hosts of install/hosts.json: name and MACs, in site order.
    static func hosts(_ out: String) throws -> [(name: String, macs: [String])] {
        let index = try JSONSerialization.jsonObject(with: Data(try bytes(out + "/install/hosts.json"))) as? [String: Any]
        let hosts = try #require(index?["hosts"] as? [[String: Any]])
        return try hosts.map { (try #require($0["name"] as? String), try #require($0["macs"] as? [String])) }
    }

    /// GET `url` with curl: the status and the body.
    static func fetch(_ url: String, into file: String) throws -> (status: Int, body: [UInt8]) {
        let curl = try RealConsumerTests.tool("curl", package: "curl")
        try? FileManager.default.removeItem(atPath: file)
        let result = try runProcess(curl, ["-sS", "-o", file, "-w", "%{http_code}", url])
        #expect(result.status == 0, "\(url): \(result.stderr)")
        return (Int(result.stdout) ?? 0, (try? bytes(file)) ?? [])
    }

    /// A machine as iPXE sees it: the MAC of the NIC it booted from, and its NICs net0, net1…
    struct Machine {
        var booted: String
        var nics: [String]

        /// iPXE's expansion of the settings boot.ipxe uses (`${mac}`, `${net1/mac:hexhyp}`,
        /// `${mac:hexraw}`); a NIC the machine does not have expands to nothing, as in iPXE.
        func expand(_ word: String) throws -> String {
            var result = ""
            var rest = Substring(word)
            while let start = rest.range(of: "${") {
                result += rest[..<start.lowerBound]
                let end = try #require(rest[start.upperBound...].firstIndex(of: "}"), "unterminated setting in '\(word)'")
                let name = String(rest[start.upperBound..<end])
                rest = rest[rest.index(after: end)...]
                let match = try #require(name.wholeMatch(of: /(?:net(\d)\/)?mac(?::(hexhyp|hexraw|hex))?/), "a setting boot.ipxe should not use: \(name)")
                let mac: String?
                if let nic = match.1 { mac = Int(nic).flatMap { $0 < nics.count ? nics[$0] : nil } } else { mac = booted }
                switch match.2 ?? "hex" {
                case "hexhyp": result += mac?.replacingOccurrences(of: ":", with: "-") ?? ""
                case "hexraw": result += mac?.replacingOccurrences(of: ":", with: "") ?? ""
                default: result += mac ?? ""
                }
            }
            return result + rest
        }
    }

    /// What iPXE does with boot.ipxe for `machine`: comments skipped; `chain --replace --autofree
    /// URL ||` fetches URL and, on a 200, runs that script instead (the walk ends there), else goes
    /// on; `echo` prints; `sleep` and `exit` end it. Any other command fails the test.
    static func walk(_ script: String, machine: Machine, scratch: String) throws -> (chained: String?, body: [UInt8], printed: [String]) {
        var printed: [String] = []
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "#!ipxe")
        for line in lines.dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
            let words = line.split(separator: " ").map(String.init)
            switch words[0] {
            case "chain":
                #expect(words.count == 5 && words[1] == "--replace" && words[2] == "--autofree" && words[4] == "||", "\(line)")
                let url = try machine.expand(words[3])
                let reply = try fetch(url, into: scratch)
                if reply.status == 200 { return (url, reply.body, printed) }
                #expect(reply.status == 404, "\(url) → \(reply.status)")
            case "echo":
                printed.append(try words.dropFirst().map(machine.expand).joined(separator: " "))
            case "sleep":
                #expect(words == ["sleep", "10"])
            case "exit":
                return (nil, [], printed)
            default:
                Issue.record("boot.ipxe runs a command the walk does not know: \(line)")
            }
        }
        Issue.record("boot.ipxe ends without 'exit'")
        return (nil, [], printed)
    }

    /// Every path: boot.ipxe, every by-mac copy, every config and install file, the images; and
    /// 404 for the rest of the tree. Then iPXE's walk for every host booted from each of its
    /// NICs, for a machine whose first NIC is unknown, and for an unknown machine.
    func check(prefix: String?) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let port = try freePort()
        let base = try Self.build(dir, port: port, prefix: prefix)
        let out = dir.file("out")
        let nginx = try Nginx(dir: dir, port: port, prefix: prefix)
        defer { nginx.stop() }
        let path = "/" + (prefix.map { $0 + "/" } ?? "")

        // boot.ipxe, as the file says.
        let boot = try Self.fetch(base + "/boot.ipxe", into: dir.file("fetched"))
        let bootFile = try Self.bytes(out + "/boot.ipxe")
        #expect(boot.status == 200 && boot.body == bootFile)

        // Every by-mac copy is its host's script, and there is one per MAC.
        let hosts = try Self.hosts(out)
        var macs = 0
        for host in hosts {
            let script = try Self.bytes(out + "/install/ipxe/\(host.name).ipxe")
            for mac in host.macs {
                let name = mac.replacingOccurrences(of: ":", with: "-")
                let reply = try nginx.client.get(path + "install/by-mac/\(name).ipxe")
                #expect(reply.status == 200 && reply.body == script, "\(host.name) \(mac)")
                macs += 1
            }
        }
        let listed = try ServeTests.sums(out)
        #expect(listed.filter { $0.path.hasPrefix("install/by-mac/") }.count == macs && macs >= 4)

        // What igncc serve would serve is served; everything else is the same 404.
        for (hex, file) in listed {
            let reply = try nginx.client.get(path + file)
            if file.hasPrefix("ignition/") || file.hasPrefix("install/") || file == "boot.ipxe" {
                #expect(reply.status == 200 && Checksums.hex(of: reply.body) == hex, "\(file) → \(reply.status)")
                if file.hasSuffix(".ign") { #expect(reply["content-type"] == "application/json", "\(file)") }
            } else {
                #expect(reply.status == 404, "\(file) → \(reply.status)")
            }
        }
        #expect(listed.contains { $0.path.hasPrefix("kubespray/") } && listed.contains { $0.path.hasPrefix("butane/") })
        for hidden in ["SHA512SUMS", ".igncc-output", ".igncc-state", "", "ignition/", "install/", "install/by-mac/", "assets/",
                       "kubespray/inventory.ini", "no-such-file"] {
            #expect(try nginx.client.get(path + hidden).status == 404, "\(hidden)")
        }
        let kernel = try nginx.client.get(path + "assets/fcos/fedora-coreos-live-kernel.x86_64")
        let image = try Self.bytes(dir.file("assets/fcos/fedora-coreos-live-kernel.x86_64"))
        #expect(kernel.status == 200 && kernel.body == image)

        // iPXE's walk: each host, booted from each NIC, reaches its own script, whose config URL
        // nginx serves with the config's bytes.
        let script = String(decoding: boot.body, as: UTF8.self)
        for host in hosts {
            let expected = try Self.bytes(out + "/install/ipxe/\(host.name).ipxe")
            let config = try Self.bytes(out + "/ignition/\(host.name).ign")
            for booted in host.macs {
                let walked = try Self.walk(script, machine: Machine(booted: booted, nics: host.macs), scratch: dir.file("walk"))
                #expect(walked.chained == base + "/install/by-mac/\(booted.replacingOccurrences(of: ":", with: "-")).ipxe")
                #expect(walked.body == expected, "\(host.name) booted from \(booted)")
                let text = String(decoding: walked.body, as: UTF8.self)
                let url = try #require(text.firstMatch(of: /(?:coreos\.inst\.ignition_url|ignition\.config\.url)=(\S+)/)?.1)
                #expect(url == base + "/ignition/\(host.name).ign")
                let fetched = try Self.fetch(String(url), into: dir.file("config"))
                #expect(fetched.status == 200 && fetched.body == config, "\(url)")
            }
            // Booted from a NIC no host has, with the host's NICs after it: the netN probes find it.
            let stranger = Machine(booted: "52:54:00:ee:ee:01", nics: ["52:54:00:ee:ee:01"] + host.macs)
            #expect(try Self.walk(script, machine: stranger, scratch: dir.file("walk")).body == expected, "\(host.name) behind a foreign NIC")
        }

        // An unknown machine: every chain is a 404, then the message and the stub.
        let unknown = Machine(booted: "52:54:00:aa:bb:cc", nics: ["52:54:00:aa:bb:cc", "52:54:00:aa:bb:cd"])
        let walked = try Self.walk(script, machine: unknown, scratch: dir.file("walk"))
        #expect(walked.chained == nil)
        #expect(walked.printed == [
            "igncc: no host of site lacave has the MAC 52:54:00:aa:bb:cc",
            // iPXE joins the words with one space, the empty ones of missing NICs too.
            "igncc: its NICs: 52:54:00:aa:bb:cc 52:54:00:aa:bb:cd  ",
            "igncc: add it to site.yaml under 'hosts', then build and boot again, for instance:",
            "igncc: node-525400aabbcc: {roles: [worker], nics: [{mac: 52:54:00:aa:bb:cc, network: CHANGE-ME}]}",
            "igncc: booting from the local disk in 10 seconds",
        ])
        // The stub is site.yaml: pasted under 'hosts' with the network named, the site checks.
        let stub = String(walked.printed[3].dropFirst("igncc: ".count)).replacingOccurrences(of: "CHANGE-ME", with: "lan")
        let site = try String(contentsOfFile: dir.file("site.yaml"), encoding: .utf8)
        let hostsKey = try #require(site.range(of: "\nhosts:\n"))
        try dir.write("pasted.yaml", site.replacingCharacters(in: hostsKey, with: "\nhosts:\n  \(stub)\n"))
        let check = try runProcess(TestPaths.binary, ["check", dir.file("pasted.yaml")])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains(", 5 hosts ("), "\(check.stdout)")
        nginx.stop()
    }

    @Test func servesTheTreeAtTheRoot() throws {
        try check(prefix: nil)
    }

    /// `base_url` below a path: the block's rewrite line, uncommented.
    @Test func servesTheTreeBelowABasePath() throws {
        try check(prefix: "kubernetes")
    }
}
