import Foundation
import Hummingbird
import NIOCore
import IgnitionCompiler

/// The request context: Hummingbird's, with the peer's address for the access log.
struct ServeContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Answers every request from the current snapshot: its files (those SHA512SUMS lists under the
/// exposed subtrees, see `ServeExposure`), the host lookups by MAC, `/boot.ipxe`, and `/assets/…`
/// when an assets folder is given. Everything else is the same 404.
struct ServeResponder: Sendable {
    let store: SnapshotStore
    let assets: AssetFolder?

    func respond(to request: Request, context: ServeContext) async throws -> Response {
        let start = ContinuousClock.now
        let target = request.head.path ?? ""
        var host: String?
        var response: Response
        switch request.method {
        case .get, .head:
            (response, host) = answer(target: target, request: request, remote: context.remoteAddress?.ipAddress)
            if request.method == .head { response = response.createHeadResponse() }
        default:
            response = Self.text(.methodNotAllowed, "only GET and HEAD\n")
            response.headers[.allow] = "GET, HEAD"
        }
        let elapsed = ContinuousClock.now - start
        store.log.request(remote: context.remoteAddress?.ipAddress ?? "-", method: request.method.rawValue, target: target,
                          status: Int(response.status.code), bytes: response.body.contentLength ?? 0, host: host,
                          micros: Int(elapsed.components.attoseconds / 1_000_000_000_000) + Int(elapsed.components.seconds) * 1_000_000)
        return response
    }

    private func answer(target: String, request: Request, remote: String?) -> (Response, String?) {
        let snapshot = store.snapshot
        switch route(target, in: snapshot) {
        case .notFound:
            return (Self.notFound, nil)
        case .bootScript:
            return (Self.text(.ok, Self.bootScript(prefix: snapshot.prefix)), nil)
        case .lookup(let path):
            return lookup(path, in: snapshot, request: request, remote: remote)
        case .asset(let folder, let relative):
            return (folder.response(for: relative, request: request), nil)
        case .file(let path, let file):
            return (Self.serve(file, path: path, request: request), file.host)
        }
    }

    /// What a request target means, the same for every method and header.
    enum Route {
        case notFound
        case bootScript
        /// `/ignition?mac=…` or `/ipxe?mac=…`.
        case lookup(RequestPath)
        /// Below `/assets/`: the folder, and the path relative to it.
        case asset(AssetFolder, String)
        case file(String, BuildSnapshot.File)
    }

    func route(_ target: String, in snapshot: BuildSnapshot) -> Route {
        guard var path = RequestPath(target: target) else { return .notFound }
        // Everything is answered at the root and below the base URL's path (`/kubernetes/…`):
        // a proxy may pass the prefix on or strip it. A path that means something at the root
        // keeps that meaning.
        if !answers(path.path, in: snapshot), let inner = snapshot.unprefixed(path.path) { path.path = inner }
        switch path.path {
        case "boot.ipxe":
            return .bootScript
        case "ignition", "ipxe":
            return .lookup(path)
        default:
            if path.path.hasPrefix("assets/"), let assets {
                return .asset(assets, String(path.path.dropFirst(7)))
            }
            guard let file = snapshot.files[path.path] else { return .notFound }
            return .file(path.path, file)
        }
    }

    /// Whether `path` (relative, decoded) is something this server answers at the root.
    private func answers(_ path: String, in snapshot: BuildSnapshot) -> Bool {
        path == "boot.ipxe" || path == "ignition" || path == "ipxe" || (assets != nil && path.hasPrefix("assets/"))
            || snapshot.files[path] != nil
    }

    /// `/ignition?mac=…` and `/ipxe?mac=…`: the file of the host owning the MAC. An unknown MAC
    /// gets 404 from `/ignition`, and from `/ipxe` a script that says so and boots the local disk
    /// (with `probe=1`, as `/boot.ipxe` asks first, a 404 so that iPXE tries its next NIC).
    private func lookup(_ path: RequestPath, in snapshot: BuildSnapshot, request: Request, remote: String?) -> (Response, String?) {
        let mac = path.parameter("mac") ?? ""
        if let found = snapshot.lookup(path) {
            if let file = found.file, let bytes = snapshot.files[file] {
                return (Self.serve(bytes, path: file, request: request), found.host)
            }
            return (Self.notFound, found.host)
        }
        guard path.path == "ipxe", path.parameter("probe") == nil else { return (Self.notFound, nil) }
        let shown = ServeIndex.normalize(mac).map { digits in
            stride(from: 0, to: 12, by: 2).map { i in String(Array(digits)[i..<i + 2]) }.joined(separator: ":")
        }
        if let shown {
            let name = "node-" + shown.replacingOccurrences(of: ":", with: "")
            let network = remote.flatMap { snapshot.index?.network(containing: $0) } ?? "CHANGE-ME"
            store.log.event("unknown-mac", [
                "mac": shown, "remote": remote ?? "-",
                "stub": "  \(name): {roles: [worker], nics: [{mac: \(shown), network: \(network)}]}",
            ])
        }
        let script = """
            #!ipxe
            echo igncc: no host of site \(snapshot.index?.site ?? "-") has the MAC \(shown ?? "-")
            echo igncc: add it to site.yaml - igncc serve logged a stub for it - then build and boot again
            echo igncc: booting from the local disk in 10 seconds
            sleep 10
            exit

            """
        return (Self.text(.ok, script), nil)
    }

    /// `/boot.ipxe`: tries the MAC of the NIC iPXE booted from, then each of the first four NICs,
    /// then asks again without `probe` so that an unknown machine gets its message. The paths are
    /// below the base URL's path (`/kubernetes/ipxe?…`), as machines see the server.
    static func bootScript(prefix: String?) -> String {
        let chain = "chain --replace --autofree " + (prefix.map { "/" + $0 } ?? "") + "/ipxe?mac="
        let lines = ["#!ipxe", "# igncc serve: find this machine's install script by the MAC of any of its NICs.",
                     "\(chain)${mac:hexhyp}&probe=1 ||"]
            + StaticBootScript.probedNICs.map { "\(chain)${net\($0)/mac:hexhyp}&probe=1 ||" }
            + ["\(chain)${mac:hexhyp}"]
        return lines.joined(separator: "\n") + "\n"
    }

    static let notFound = text(.notFound, "not found\n")

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(body)
        return Response(status: status, headers: textHeaders, body: .init(byteBuffer: buffer))
    }

    static let textHeaders: HTTPFields = [.contentType: "text/plain; charset=utf-8"]

    static func contentType(of path: String) -> String {
        path.hasSuffix(".ign") || path.hasSuffix(".json") ? "application/json" : "text/plain; charset=utf-8"
    }

    /// A file of the build: exactly its bytes, its sha512 as the ETag, conditional and range requests.
    static func serve(_ file: BuildSnapshot.File, path: String, request: Request) -> Response {
        let etag = file.etag
        var headers = fileHeaders(file)
        if let condition = request.headers[.ifNoneMatch], matches(condition, etag) {
            return Response(status: .notModified, headers: headers)
        }
        let length = file.bytes.readableBytes
        var range = ByteRange(header: request.headers[.range], length: length)
        if let ifRange = request.headers[.ifRange], ifRange != etag { range = .whole }
        switch range {
        case .whole:
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.bytes))
        case .part(let bounds):
            headers[.contentRange] = "bytes \(bounds.lowerBound)-\(bounds.upperBound)/\(length)"
            let slice = file.bytes.getSlice(at: file.bytes.readerIndex + bounds.lowerBound, length: bounds.count) ?? ByteBuffer()
            return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: slice))
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(length)"
            return Response(status: .rangeNotSatisfiable, headers: headers, body: .init(byteBuffer: ByteBuffer()))
        }
    }

    /// The headers of every answer with a file of the build (before `Content-Range`).
    static func fileHeaders(_ file: BuildSnapshot.File) -> HTTPFields {
        [.contentType: file.contentType, .eTag: file.etag, .acceptRanges: "bytes", .cacheControl: "no-cache"]
    }

    /// If-None-Match: `*` or a list of (possibly weak) entity tags.
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == "*" || tag == etag
        }
    }
}
