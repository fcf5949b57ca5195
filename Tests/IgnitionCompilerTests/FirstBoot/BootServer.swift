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

    /// The `path=` of each `status=200` line of igncc serve's logfmt log.
    func servedPaths() -> [String] {
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
