import Foundation
import Testing
@testable import IgnitionCompiler

/// `igncc serve`'s command line: the forms of `--listen`, the version in its start-up line, and a
/// port already taken (started for real, asked over sockets and with curl).
@Suite(.serialized) struct ServeCommandLineTests {
    static let lacave = TestPaths.samples.appendingPathComponent("lacave/site.yaml").path

    static func listening(_ server: ServerProcess) throws -> String {
        try #require(server.log.split(separator: "\n").first { $0.contains("event=listening") }.map(String.init), "\(server.log)")
    }

    @Test func listenForms() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try ServeTests.build(Self.lacave, into: out)
        let config = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/ignition/kube01.ign")))
        // `:PORT` and `PORT`: every IPv4 address.
        for form in [{ (port: Int) in ":\(port)" }, { (port: Int) in "\(port)" }] {
            let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"), listen: form)
            #expect(try Self.listening(server).contains(" address=0.0.0.0:\(server.port) "))
            #expect(try server.client.get("/ignition/kube01.ign").body == config)
            #expect(server.stop() == 0)
        }
        // `[::]:PORT`: every address, IPv6 (curl over ::1) and, on Linux, IPv4 too.
        let curl = try RealConsumerTests.tool("curl", package: "curl")
        let server = try ServerProcess(directory: out, logPath: dir.file("serve6.log"), listen: { "[::]:\($0)" })
        #expect(try Self.listening(server).contains(" address=[::]:\(server.port) "))
        let fetched = try runProcess(curl, ["-fsS", "-g", "-o", dir.file("kube01.ign"), "http://[::1]:\(server.port)/ignition/kube01.ign"])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("kube01.ign")))) == config)
        #expect(server.stop() == 0)
        #expect(server.log.contains(" remote=::1 method=GET path=/ignition/kube01.ign status=200 "), "\(server.log)")

        // Anything else is a usage error that lists the forms.
        for bad in ["::1:8080", "localhost", "70000", "127.0.0.1:", "[fe80::1:8080", "[host]:80", "a b:80"] {
            let result = try runProcess(TestPaths.binary, ["serve", out, "--listen", bad])
            #expect(result.status == 64, "\(bad)")
            #expect(result.stderr.hasPrefix("Error: --listen '\(bad)' is not an address to listen on; it takes PORT or :PORT "
                                            + "(every IPv4 address), ADDRESS:PORT, or [IPV6]:PORT ([::]:PORT: every address), "
                                            + "such as 8080, :8080, 127.0.0.1:9000 or [::1]:8080\n"), "\(bad): \(result.stderr)")
        }
    }

    /// The start-up line says which igncc serves; a port in use is refused with the system's reason.
    @Test func versionAndAPortInUse() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try ServeTests.build(Self.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        #expect(try Self.listening(server).contains(" event=listening version=\(Compiler.version) address=127.0.0.1:\(server.port) "))
        let second = try runProcess(TestPaths.binary, ["serve", out, "--listen", "127.0.0.1:\(server.port)"])
        #expect(second.status == 1)
        #expect(second.stderr == "igncc: error: cannot listen on 127.0.0.1:\(server.port): address already in use\n")
        #expect(!second.stdout.contains("event=listening"))
        // The first one still answers.
        #expect(try server.client.get("/boot.ipxe").status == 200)
        #expect(server.stop() == 0)

        // A tree or an assets folder that cannot be opened: the system's reason.
        let noTree = try runProcess(TestPaths.binary, ["serve", dir.file("nothing"), "--listen", "127.0.0.1:0"])
        #expect(noTree.status == 1 && noTree.stderr == "igncc: error: cannot open '\(dir.file("nothing"))': no such file or directory\n")
        let noAssets = try runProcess(TestPaths.binary, ["serve", out, "--listen", "127.0.0.1:0", "--assets", dir.file("none")])
        #expect(noAssets.status == 1)
        #expect(noAssets.stderr == "igncc: error: cannot serve --assets '\(dir.file("none"))': no such file or directory\n")
        let fileAssets = try runProcess(TestPaths.binary, ["serve", out, "--listen", "127.0.0.1:0", "--assets", out + "/SHA512SUMS"])
        #expect(fileAssets.stderr == "igncc: error: cannot serve --assets '\(out)/SHA512SUMS': not a directory\n")
    }
}
