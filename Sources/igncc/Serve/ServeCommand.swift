import ArgumentParser
import Foundation
import Hummingbird
import IgnitionCompiler
import Logging
import NIOCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an output directory to coreos-installer, iPXE and flatcar-install over HTTP.",
        discussion: """
            Serves the files SHA512SUMS lists under ignition/ and install/ (ETag = their sha512; \
            GET, HEAD, Range), /ignition?mac= and /ipxe?mac= (the host owning that MAC, from \
            install/hosts.json), /boot.ipxe, the script to point a DHCP server's iPXE at, and \
            /assets/ with --assets. Nothing else: the other targets' files (Kubespray variables \
            carry secrets, Butane and network files the site's configuration) are 404 unless \
            their target is named with --expose; SHA512SUMS is never served. A new 'igncc build' \
            into the directory is picked up without a restart. One access-log line per request \
            on standard output.
            """)

    @Argument(help: "The output directory 'igncc build' wrote.")
    var output = "out"

    @Option(name: .long, help: ArgumentHelp("Where to listen: \(Self.listenForms).", valueName: "ADDRESS"))
    var listen = "0.0.0.0:8080"

    @Option(name: .long, help: "A folder served at /assets/ (the OS images the iPXE scripts boot).")
    var assets: String?

    @Option(name: .long, help: "Seconds between checks for a new build.")
    var poll: Double = 1

    @Option(name: .long, help: ArgumentHelp(
        "Also serve this target's files (repeatable, or comma-separated): \(ServeExposure.optional.map(\.rawValue).joined(separator: ", ")).",
        valueName: "TARGET"))
    var expose: [String] = []

    /// The `Server` header of every response.
    static let serverName = "igncc"

    /// The forms `--listen` takes, for its help and its error.
    static let listenForms = "PORT or :PORT (every IPv4 address), ADDRESS:PORT, or [IPV6]:PORT ([::]:PORT: every address)"

    func validate() throws {
        guard Self.address(listen) != nil else {
            throw ValidationError("--listen '\(listen)' is not an address to listen on; it takes \(Self.listenForms), "
                                  + "such as 8080, :8080, 127.0.0.1:9000 or [::1]:8080")
        }
        guard poll > 0 else { throw ValidationError("--poll must be positive") }
        do {
            _ = try ServeExposure(parsing: expose)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `--listen`'s value as a host and port: `8080` and `:8080` are `0.0.0.0:8080`; an IPv6
    /// address is bracketed (`[::]:8080`, `[::1]:8080`), since its colons would hide the port.
    static func address(_ text: String) -> (host: String, port: Int)? {
        func port(_ digits: Substring) -> Int? {
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let port = Int(digits), port <= 65535 else { return nil }
            return port
        }
        if let port = port(text[...]) { return ("0.0.0.0", port) }
        guard let colon = text.lastIndex(of: ":"), let port = port(text[text.index(after: colon)...]) else { return nil }
        let host = text[..<colon]
        if host.isEmpty { return ("0.0.0.0", port) }
        if host.hasPrefix("[") {
            let inner = host.dropFirst()
            guard inner.hasSuffix("]"), inner.dropLast().contains(":"),
                  inner.dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            return (String(inner.dropLast()), port)
        }
        // An IPv6 address without brackets, or anything with spaces or slashes, is no host.
        guard !host.contains(":"), !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "[" || $0 == "]" }) else { return nil }
        return (String(host), port)
    }

    /// `host:port`, `[host]:port` for IPv6.
    static func display(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
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
            var info = stat()
            let code = stat(assets, &info) != 0 ? errno : info.st_mode & S_IFMT != S_IFDIR ? ENOTDIR : 0
            guard code == 0 else {
                printError("igncc: error: cannot serve --assets '\(assets)': \(SystemError.text(code))\n")
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
            server: FastPathChannel.builder(FastPath(responder: responder)),
            configuration: .init(address: .hostname(host, port: port), serverName: Self.serverName),
            services: [SnapshotWatcher(store: store, interval: .milliseconds(Int(poll * 1000)))],
            onServerRunning: { channel in
                let bound = channel.localAddress.flatMap { address in address.ipAddress.map { Self.display($0, address.port ?? port) } }
                log.event("listening", ["version": Compiler.version, "address": bound ?? Self.display(host, port),
                                        "dir": output, "prefix": first.prefixPath, "files": String(first.files.count),
                                        "hosts": String(first.index?.hosts.count ?? 0),
                                        "exposed": exposure.summary(assets: assets != nil)])
            },
            logger: logger)
        do {
            try await app.runService()
        } catch let error as IOError {
            printError("igncc: error: cannot listen on \(Self.display(host, port)): \(SystemError.text(error.errnoCode))\n")
            throw ExitCode.failure
        } catch let error as SocketAddressError.UnknownHost {
            // getaddrinfo's text, lowercase as every message.
            let reason = error.errorDescription.prefix(1).lowercased() + error.errorDescription.dropFirst()
            printError("igncc: error: cannot listen on \(Self.display(host, port)): '\(host)' does not resolve (\(reason))\n")
            throw ExitCode.failure
        }
        log.event("stopped", [:])
    }
}
