import ArgumentParser
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an output directory to coreos-installer, iPXE and flatcar-install over HTTP.",
        discussion: """
            Serves the files SHA512SUMS lists under ignition/ and install/ (ETag = their sha512; \
            GET, HEAD, Range), /ignition?mac=… and /ipxe?mac=… (the host owning that MAC, from \
            install/hosts.json), /boot.ipxe, the script to point a DHCP server's iPXE at, and \
            /assets/ with --assets. Nothing else: the other targets' files (Kubespray variables \
            carry secrets, Butane and network files the site's configuration) are 404 unless \
            their target is named with --expose; SHA512SUMS is never served. A new 'igncc build' \
            into the directory is picked up without a restart. One access-log line per request \
            on standard output.
            """)

    @Argument(help: "The output directory 'igncc build' wrote.")
    var output = "out"

    @Option(name: .long, help: "Address and port to listen on.")
    var listen = "0.0.0.0:8080"

    @Option(name: .long, help: "A folder served at /assets/ (the OS images the iPXE scripts boot).")
    var assets: String?

    @Option(name: .long, help: "Seconds between checks for a new build.")
    var poll: Double = 1

    @Option(name: .long, help: ArgumentHelp(
        "Also serve this target's files (repeatable, or comma-separated): \(ServeExposure.optional.map(\.rawValue).joined(separator: ", ")).",
        valueName: "TARGET"))
    var expose: [String] = []

    func validate() throws {
        guard Self.address(listen) != nil else {
            throw ValidationError("--listen takes ADDRESS:PORT, such as 0.0.0.0:8080 or 127.0.0.1:9000")
        }
        guard poll > 0 else { throw ValidationError("--poll must be positive") }
        do {
            _ = try ServeExposure(parsing: expose)
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        let log = AccessLog()
        let exposure = try ServeExposure(parsing: expose)
        let first: BuildSnapshot
        do {
            first = try BuildSnapshot.load(output, exposure: exposure)
        } catch {
            printError("igncc: error: \(error)\n")
            throw ExitCode.failure
        }
        if let assets {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: assets, isDirectory: &isDirectory), isDirectory.boolValue else {
                printError("igncc: error: --assets '\(assets)' is not a directory\n")
                throw ExitCode.failure
            }
        }
        let store = SnapshotStore(root: output, exposure: exposure, first: first, log: log)
        let responder = ServeResponder(store: store, assets: assets.map(AssetFolder.init))
        let (host, port) = Self.address(listen)!
        var logger = Logger(label: "igncc-serve")
        logger.logLevel = .warning
        let app = Application(
            responder: CallbackResponder(callback: responder.respond),
            configuration: .init(address: .hostname(host, port: port), serverName: "igncc"),
            services: [SnapshotWatcher(store: store, interval: .milliseconds(Int(poll * 1000)))],
            onServerRunning: { channel in
                let bound = channel.localAddress.flatMap { address in address.ipAddress.map { "\($0):\(address.port ?? port)" } }
                log.event("listening", ["address": bound ?? listen,
                                        "dir": output, "files": String(first.files.count),
                                        "hosts": String(first.index?.hosts.count ?? 0),
                                        "exposed": exposure.summary(assets: assets != nil)])
            },
            logger: logger)
        try await app.runService()
        log.event("stopped", [:])
    }
}
