import Foundation
import Testing
@testable import IgnitionCompiler

/// The install scripts run by /bin/sh against fake `coreos-installer`, `flatcar-install` and
/// `curl` on PATH, which record their arguments; the fake curl copies the built file that the
/// URL names from the output directory (or, for a tampered download, other bytes).
@Suite struct InstallScriptRunTests {
    struct Bench {
        let dir: TemporaryDirectory
        var out: String { dir.file("out") }
        var log: String { dir.file("log") }
        var tmp: String { dir.file("tmp") }
        let files: [String: OutputFile]

        init() throws {
            dir = try TemporaryDirectory()
            files = try InstallTargetTests.build()
            try OutputDirectory.write(Array(files.values), to: dir.file("out"))
            for sub in ["bin", "log", "tmp"] {
                try FileManager.default.createDirectory(atPath: dir.file(sub), withIntermediateDirectories: false)
            }
            try fake("coreos-installer", """
            printf '%s\\n' "$@" > "$FAKE_LOG/coreos-installer.args"
            """)
            try fake("flatcar-install", """
            printf '%s\\n' "$@" > "$FAKE_LOG/flatcar-install.args"
            while [ $# -gt 0 ]; do
                if [ "$1" = -i ]; then cp -- "$2" "$FAKE_LOG/flatcar-install.ign"; fi
                shift
            done
            """)
            // curl -fsSL -o FILE URL: the URL's path under the base URL is a file of the output.
            try fake("curl", """
            printf '%s\\n' "$@" > "$FAKE_LOG/curl.args"
            file=''; url=''
            while [ $# -gt 0 ]; do
                case "$1" in
                    -o) file=$2; shift ;;
                    -*) ;;
                    *) url=$1 ;;
                esac
                shift
            done
            case "$url" in
                "$FAKE_BASE"/*) ;;
                *) echo "fake curl: unexpected URL $url" >&2; exit 22 ;;
            esac
            if [ -n "${FAKE_TAMPER:-}" ]; then
                printf '{"ignition":{"version":"3.4.0"}}\\n' > "$file"
            else
                cp -- "$FAKE_OUT/${url#"$FAKE_BASE"/}" "$file"
            fi
            """)
        }

        private func fake(_ name: String, _ body: String) throws {
            let path = dir.file("bin/\(name)")
            try ("#!/bin/sh\nset -eu\n" + body + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }

        func run(_ script: String, tamper: Bool = false) throws -> ProcessResult {
            var environment = [
                "PATH": dir.file("bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "FAKE_LOG": log, "FAKE_OUT": out, "FAKE_BASE": InstallTargetTests.base, "TMPDIR": tmp,
            ]
            if tamper { environment["FAKE_TAMPER"] = "1" }
            return try runProcess("/bin/sh", [out + "/" + script], environment: environment)
        }

        func logged(_ name: String) -> String? {
            FileManager.default.contents(atPath: log + "/" + name).map { String(decoding: $0, as: UTF8.self) }
        }

        func tmpIsEmpty() throws -> Bool { try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty }
    }

    @Test func everyScriptParses() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        let scripts = bench.files.keys.filter { $0.hasSuffix(".sh") }.sorted()
        #expect(scripts == ["install/node1.sh", "install/node2.sh", "install/node3.sh"])
        for script in scripts {
            let result = try runProcess("/bin/sh", ["-n", bench.out + "/" + script])
            #expect(result.status == 0, "\(script): \(result.stderr)")
        }
    }

    @Test func fcosRunsCoreosInstaller() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        let result = try bench.run("install/node1.sh")
        #expect(result.status == 0, "\(result.stderr)")
        let hash = Checksums.hex(of: try #require(bench.files["ignition/node1.ign"]).contents)
        #expect(bench.logged("coreos-installer.args") == """
        install
        /dev/sda
        --ignition-url
        http://boot.demo.example:8080/ignition/node1.ign
        --ignition-hash
        sha512-\(hash)
        --copy-network

        """)
        #expect(bench.logged("curl.args") == nil)
    }

    @Test func flatcarVerifiesThenInstalls() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        let result = try bench.run("install/node2.sh")
        #expect(result.status == 0, "\(result.stderr)")
        let config = try #require(bench.files["ignition/node2.ign"]).contents
        #expect(bench.logged("flatcar-install.ign").map { Array($0.utf8) } == config)
        let args = try #require(bench.logged("flatcar-install.args")).split(separator: "\n").map(String.init)
        #expect(args.count == 4)
        #expect(Array(args.prefix(3)) == ["-d", "/dev/vda", "-i"])
        #expect(args.last?.hasSuffix("/node2.ign") == true)
        #expect(args.last?.hasPrefix(bench.tmp + "/") == true)
        let curl = try #require(bench.logged("curl.args")).split(separator: "\n").map(String.init)
        #expect(curl.first == "-fsSL")
        #expect(curl.last == "http://boot.demo.example:8080/ignition/node2.ign")
        // The scratch directory went with the script.
        #expect(try bench.tmpIsEmpty())
    }

    @Test func tamperedDownloadStopsBeforeFlatcarInstall() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        let result = try bench.run("install/node2.sh", tamper: true)
        #expect(result.status != 0)
        #expect(result.stdout.contains("FAILED") || result.stderr.contains("FAILED"), "\(result.stdout)\(result.stderr)")
        #expect(bench.logged("curl.args") != nil)
        #expect(bench.logged("flatcar-install.args") == nil)
        #expect(try bench.tmpIsEmpty())
    }

    /// A download that fails (curl -f) stops the script too.
    @Test func failedDownloadStopsTheScript() throws {
        let bench = try Bench()
        defer { bench.dir.remove() }
        try FileManager.default.removeItem(atPath: bench.out + "/ignition/node2.ign")
        let result = try bench.run("install/node2.sh")
        #expect(result.status != 0)
        #expect(bench.logged("flatcar-install.args") == nil)
        #expect(try bench.tmpIsEmpty())
    }
}
