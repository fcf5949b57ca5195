import Foundation
import Testing
@testable import IgnitionCompiler

/// `serve.base_url` with a path (`http://elrond.lacave/kubernetes`, served by Apache in seed 004):
/// every URL igncc writes carries the path, and `igncc serve` answers below it (and at the root,
/// for a proxy that strips it). Checked with real curl, and with the install scripts themselves
/// run against real curl and fake installers that do what the real ones do with the URL.
@Suite(.serialized) struct ServePrefixTests {
    struct Bench {
        let dir: TemporaryDirectory
        let server: ServerProcess
        var base: String
        var out: String { dir.file("out") }

        init() throws {
            dir = try TemporaryDirectory()
            let port = try freePort()
            base = "http://127.0.0.1:\(port)/kubernetes"
            var text = try String(contentsOfFile: ServeTests.lacave, encoding: .utf8)
            let old = "base_url: http://elrond.lacave.info:8080"
            try #require(text.contains(old))
            text = text.replacingOccurrences(of: old, with: "base_url: \(base)/")
            try dir.write("site.yaml", text)
            try ServeTests.build(dir.file("site.yaml"), into: dir.file("out"))
            // The default boot images, as --assets serves them.
            for image in ["fcos/fedora-coreos-live-kernel.x86_64", "fcos/fedora-coreos-live-initramfs.x86_64.img",
                          "fcos/fedora-coreos-live-rootfs.x86_64.img", "flatcar/flatcar_production_pxe.vmlinuz",
                          "flatcar/flatcar_production_pxe_image.cpio.gz"] {
                try FileManager.default.createDirectory(atPath: dir.file("assets/" + image).components(separatedBy: "/").dropLast().joined(separator: "/"),
                                                        withIntermediateDirectories: true)
                try dir.write("assets/" + image, "image \(image)\n")
            }
            server = try ServerProcess(directory: dir.file("out"), logPath: dir.file("serve.log"),
                                       extra: ["--assets", dir.file("assets")], port: port)
        }

        func file(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + path))) }
    }

    /// Every http URL in install/, each below the base URL, fetched with curl: 200, and the bytes
    /// of the file it names.
    @Test func everyWrittenURLIsServedBelowThePath() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        let curl = try RealConsumerTests.tool("curl", package: "curl")
        #expect(bench.server.log.contains(" prefix=/kubernetes "), "\(bench.server.log)")
        var urls: [String] = []
        for path in try FileManager.default.subpathsOfDirectory(atPath: bench.out + "/install").sorted()
        where path.hasSuffix(".sh") || path.hasSuffix(".ipxe") || path.hasSuffix(".txt") {
            let text = String(decoding: try bench.file("install/" + path), as: UTF8.self)
            for match in text.matches(of: /http:\/\/[^\s'"]+/) where !match.output.contains("<") {
                urls.append(String(match.output))
            }
        }
        // 4 configs in the scripts, 4 in the iPXE scripts, kernel and initramfs (and rootfs) per
        // iPXE script, boot.ipxe in the README.
        #expect(Set(urls).count == 4 + 5 + 1, "\(Set(urls).sorted())")
        for url in Set(urls).sorted() {
            #expect(url.hasPrefix(bench.base + "/"), "\(url)")
            let relative = String(url.dropFirst(bench.base.count + 1))
            let fetched = try runProcess(curl, ["-fsS", "-o", bench.dir.file("fetched"), url])
            #expect(fetched.status == 0, "\(url): \(fetched.stderr)")
            let body = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bench.dir.file("fetched"))))
            if relative.hasPrefix("assets/") {
                #expect(body == [UInt8](try Data(contentsOf: URL(fileURLWithPath: bench.dir.file(relative)))), "\(url)")
            } else if relative != "boot.ipxe" {
                #expect(body == (try bench.file(relative)), "\(url)")
            }
        }
        // The same files at the root (a proxy that strips the path); the rest stays hidden below it.
        let client = bench.server.client
        #expect(try client.get("/ignition/kube01.ign").body == (try bench.file("ignition/kube01.ign")))
        for hidden in ["/kubernetes/SHA512SUMS", "/kubernetes/kubespray/inventory.ini", "/kubernetes/kubernetes/ignition/kube01.ign",
                       "/kubernetes/../ignition/kube01.ign", "/kubernetesignition/kube01.ign", "/kubernetes/"] {
            #expect(try client.get(hidden).status == 404, "\(hidden)")
        }
        #expect(bench.server.stop() == 0)
    }

    /// iPXE's path: /kubernetes/boot.ipxe chains below the path, and that answers the host's script.
    @Test func bootScriptChainsBelowThePath() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        let client = bench.server.client
        let boot = String(decoding: try client.get("/kubernetes/boot.ipxe").body, as: UTF8.self)
        let chains = boot.split(separator: "\n").filter { $0.hasPrefix("chain ") }
        #expect(chains.count == 6)
        #expect(chains.allSatisfy { $0.hasPrefix("chain --replace --autofree /kubernetes/ipxe?mac=${") }, "\(boot)")
        // What iPXE asks once ${mac:hexhyp} is expanded, at the root and below the path alike.
        #expect(try client.get("/boot.ipxe").body == Array(boot.utf8))
        let script = try client.get("/kubernetes/ipxe?mac=52-54-00-00-01-24&probe=1")
        #expect(script.status == 200)
        #expect(script.body == (try bench.file("install/ipxe/kube04.ipxe")))
        let config = try client.get("/kubernetes/ignition?mac=52:54:00:00:01:21")
        #expect(config.status == 200)
        #expect(config.body == (try bench.file("ignition/kube01.ign")))
        #expect(try client.get("/kubernetes/ipxe?mac=52-54-00-aa-bb-cc&probe=1").status == 404)
        #expect(bench.server.stop() == 0)
    }

    /// The install scripts, run by /bin/sh with real curl: Flatcar's downloads below the path and
    /// checks the hash; Fedora CoreOS's hands coreos-installer a URL whose download has its hash.
    @Test func installScriptsFetchBelowThePath() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        let bin = bench.dir.file("bin"), log = bench.dir.file("log")
        for directory in [bin, log] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false) }
        func fake(_ name: String, _ body: String) throws {
            try ("#!/bin/sh\nset -eu\n" + body + "\n").write(toFile: bin + "/" + name, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/" + name)
        }
        // Like coreos-installer: fetch --ignition-url, refuse it unless its sha512 is --ignition-hash.
        try fake("coreos-installer", """
            url=''; hash=''
            while [ $# -gt 0 ]; do
                case "$1" in --ignition-url) url=$2; shift ;; --ignition-hash) hash=${2#sha512-}; shift ;; esac
                shift
            done
            curl -fsS -o "$FAKE_LOG/coreos.ign" "$url"
            printf '%s  %s\\n' "$hash" "$FAKE_LOG/coreos.ign" | sha512sum -c - >/dev/null
            echo "$url" > "$FAKE_LOG/coreos.url"
            """)
        try fake("flatcar-install", """
            while [ $# -gt 0 ]; do
                if [ "$1" = -i ]; then cp -- "$2" "$FAKE_LOG/flatcar.ign"; fi
                shift
            done
            """)
        let environment = ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "FAKE_LOG": log,
                           "TMPDIR": bench.dir.path]
        let flatcar = try runProcess("/bin/sh", [bench.out + "/install/kube04.sh"], environment: environment)
        #expect(flatcar.status == 0, "\(flatcar.stdout)\(flatcar.stderr)")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/flatcar.ign"))) == (try bench.file("ignition/kube04.ign")))
        let fcos = try runProcess("/bin/sh", [bench.out + "/install/kube01.sh"], environment: environment)
        #expect(fcos.status == 0, "\(fcos.stdout)\(fcos.stderr)")
        #expect(try String(contentsOfFile: log + "/coreos.url", encoding: .utf8) == bench.base + "/ignition/kube01.ign\n")
        // The access log, flushed on exit: both configs asked below the path, each its host's.
        #expect(bench.server.stop() == 0)
        let requests = bench.server.log.split(separator: "\n").filter { $0.contains(" method=GET ") }
        #expect(requests.contains { $0.contains(" path=/kubernetes/ignition/kube04.ign status=200 ") && $0.contains(" host=kube04 ") })
        #expect(requests.contains { $0.contains(" path=/kubernetes/ignition/kube01.ign status=200 ") && $0.contains(" host=kube01 ") })
    }
}
