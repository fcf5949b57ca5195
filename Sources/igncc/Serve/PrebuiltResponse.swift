import Hummingbird
import NIOCore
import NIOHTTP1

/// A 200 answer prepared once per snapshot: the headers Hummingbird writes for it (built by the
/// same `Response` initializer, in the same order, with the same names), then per request the
/// `Date` and `Server` headers it adds, and the body, shared by every request. `FastPathHandler`
/// writes it for GET, without the body for HEAD, as Hummingbird would.
struct PrebuiltResponse: Sendable {
    /// Up to `Content-Length`, as HTTP/1 names them.
    let headers: HTTPHeaders
    let body: ByteBuffer
    /// The host the answer belongs to, for the access log.
    var host: String?

    init(headers fields: HTTPFields, body: ByteBuffer, host: String?) {
        let response = Response(status: .ok, headers: fields, body: .init(byteBuffer: body))
        headers = HTTPHeaders(response.headers.map { ($0.name.rawName, $0.value) })
        self.body = body
        self.host = host
    }

    /// The response head with the headers Hummingbird adds to every response.
    func head(date: String) -> HTTPResponseHead {
        var headers = self.headers
        headers.add(name: Self.names.date, value: date)
        headers.add(name: Self.names.server, value: ServeCommand.serverName)
        return HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
    }

    /// `Date` and `Server` as Hummingbird's fields name them on the wire.
    private static let names: (date: String, server: String) = {
        let fields: HTTPFields = [.date: "", .server: ""]
        let names = fields.map(\.name.rawName)
        return (names[0], names[1])
    }()
}

/// Every 200 answer of a snapshot that does not depend on the request's headers: each file by
/// its path, and `/boot.ipxe`.
struct PrebuiltResponses: Sendable {
    var files: [String: PrebuiltResponse] = [:]
    var bootScript: PrebuiltResponse

    init(files: [String: BuildSnapshot.File], prefix: String?) {
        for (path, file) in files {
            self.files[path] = PrebuiltResponse(headers: ServeResponder.fileHeaders(file), body: file.bytes, host: file.host)
        }
        bootScript = PrebuiltResponse(headers: ServeResponder.textHeaders,
                                      body: ByteBuffer(string: ServeResponder.bootScript(prefix: prefix)), host: nil)
    }
}
