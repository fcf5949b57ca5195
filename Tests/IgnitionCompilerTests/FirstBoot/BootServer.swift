import Foundation

/// The HTTP server a PXE first boot fetches from. `igncc serve` is one; nginx over the static
/// by-MAC layout, or any other, is another conformance, booted by the same tests.
protocol BootServer {
    /// What the DHCP answer names, as the VM reaches it (iPXE fetches it first).
    var bootURL: String { get }
    /// The path iPXE fetches the host's own script at, after `bootURL`.
    func hostScriptPath(mac: String, host: String) -> String
    /// The paths answered with 200, in order, from the server's log.
    func servedPaths() -> [String]
    /// The whole log, for a failure's message (and the README's excerpt).
    var log: String { get }
    func stop()
}

/// `igncc serve OUT --assets ASSETS` on `port` (127.0.0.1; QEMU's user network reaches it at
/// 10.0.2.2).
final class IgnccServeBootServer: BootServer {
    private let server: ServerProcess

    init(out: String, assets: String, port: Int, logPath: String) throws {
        server = try ServerProcess(directory: out, logPath: logPath, extra: ["--assets", assets], port: port)
    }

    var bootURL: String { "http://10.0.2.2:\(server.port)/boot.ipxe" }

    func hostScriptPath(mac: String, host: String) -> String { "/ipxe?mac=\(mac.replacingOccurrences(of: ":", with: "-"))" }

    func servedPaths() -> [String] { Self.servedPaths(log: log) }

    /// The `path=` of each `status=200` line of igncc serve's logfmt log.
    static func servedPaths(log: String) -> [String] {
        log.split(separator: "\n").filter { $0.contains(" status=200 ") }.compactMap { line in
            guard let range = line.range(of: " path=") else { return nil }
            var rest = line[range.upperBound...]
            if rest.hasPrefix("\"") {
                rest = rest.dropFirst()
                return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
            }
            return String(rest.prefix { $0 != " " })
        }
    }

    var log: String { server.log }

    func stop() { server.stop() }
}

/// `igncc serve OUT --assets ASSETS` listening at `address:port` inside the network namespace
/// `namespace` (the VM's wire; spawned as DHCPLeaseTests spawns its servers, so SIGTERM reaches it).
final class NamespacedIgnccServeBootServer: BootServer {
    private let server: DHCPLeaseTests.Server
    let bootURL: String

    init(out: String, assets: String, namespace: NetworkNamespace, address: String, port: Int, logPath: String) throws {
        bootURL = "http://\(address):\(port)/boot.ipxe"
        server = try DHCPLeaseTests.Server(namespace: namespace.name,
                                           [TestPaths.binary, "serve", out, "--listen", "\(address):\(port)", "--assets", assets],
                                           log: logPath)
        for _ in 0..<200 {
            if try namespace.httpStatus(bootURL) == 200 { return }
            usleep(50_000)
        }
        server.stop()
        throw BootHarnessError("igncc serve did not answer at \(bootURL) in \(namespace.name):\n\(server.output)")
    }

    func hostScriptPath(mac: String, host: String) -> String { "/ipxe?mac=\(mac.replacingOccurrences(of: ":", with: "-"))" }

    func servedPaths() -> [String] { IgnccServeBootServer.servedPaths(log: log) }

    var log: String { server.output }

    func stop() { server.stop() }
}

/// nginx (Debian's nginx-light) with README's server block over the built tree (`out/`) and the
/// images (`assets/`, which the block serves from the directory above the tree), run as
/// NginxTreeTests runs it, on `port` (127.0.0.1; QEMU's user network reaches it at 10.0.2.2).
/// iPXE fetches the tree's static `boot.ipxe`, which chains to `install/by-mac/<mac>.ipxe`.
final class NginxBootServer: BootServer {
    private let nginx: NginxTreeTests.Nginx

    /// `directory` holds `out/` and `assets/`.
    init(directory: TemporaryDirectory, port: Int) throws {
        nginx = try NginxTreeTests.Nginx(dir: directory, port: port, prefix: nil)
    }

    var bootURL: String { "http://10.0.2.2:\(nginx.port)/boot.ipxe" }

    func hostScriptPath(mac: String, host: String) -> String { "/install/by-mac/\(mac.replacingOccurrences(of: ":", with: "-")).ipxe" }

    /// Each request of the access log (nginx's `combined` format: `… "GET /path HTTP/1.1" 200 …`)
    /// with its status.
    func requests() -> [(path: String, status: Int)] {
        log.split(separator: "\n").compactMap { line in
            guard let match = line.firstMatch(of: #/"[A-Z]+ (\S+) HTTP/[0-9.]+" ([0-9]{3}) /#) else { return nil }
            return (String(match.1), Int(match.2) ?? 0)
        }
    }

    func servedPaths() -> [String] { requests().filter { $0.status == 200 }.map(\.path) }

    var log: String { (try? String(contentsOfFile: nginx.dir.file("nginx/access.log"), encoding: .utf8)) ?? "" }

    func stop() { nginx.stop() }
}
