import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 channel with `FastPathHandler` right after the request decoder: the
/// requests machines make while they install are answered there, on the event loop, from the
/// snapshot's prebuilt responses; every other request goes on to Hummingbird and `ServeResponder`.
struct FastPathChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let fastPath: FastPath

    static func builder(_ fastPath: FastPath) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in FastPathChannel(inner: HTTP1Channel(responder: responder), fastPath: fastPath) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let fastPath = fastPath
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(FastPathHandler(fastPath), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Which requests the fast path answers, and with what: a GET or HEAD without a condition or a
/// range (`If-None-Match`, `Range`, `If-Range`) for a file of the snapshot, `/boot.ipxe`, or
/// `/ignition?mac=` and `/ipxe?mac=` of a MAC a host owns, routed by `ServeResponder.route`, the
/// routing Hummingbird's path uses. Everything else (404s, 405, `/assets/`, an unknown MAC, a
/// conditional or partial request) is left to it.
struct FastPath: Sendable {
    let responder: ServeResponder

    struct Answer {
        var response: PrebuiltResponse
        var close: Bool
    }

    func answer(_ head: HTTPRequestHead) -> Answer? {
        guard head.method == .GET || head.method == .HEAD, head.uri.utf8.first == UInt8(ascii: "/") else { return nil }
        var connection: [String] = []
        for (name, value) in head.headers where Self.lengths.contains(name.utf8.count) {
            let lowercased = name.lowercased()
            if lowercased == "connection" {
                connection.append(value)
            } else if Self.passed.contains(lowercased) {
                return nil
            }
        }
        // Hummingbird closes the connection after the response when it says exactly `close`
        // (iPXE says `keep-alive`), whatever the HTTP version.
        let close = connection.joined(separator: ", ") == "close"
        let snapshot = responder.store.snapshot
        let response: PrebuiltResponse?
        switch responder.route(head.uri, in: snapshot) {
        case .bootScript:
            response = snapshot.responses.bootScript
        case .file(let path, _):
            response = snapshot.responses.files[path]
        case .lookup(let path):
            // The host's file, answered as Hummingbird does, with the host in the log.
            guard let found = snapshot.lookup(path), let file = found.file, let prebuilt = snapshot.responses.files[file] else { return nil }
            response = PrebuiltResponse(sharing: prebuilt, host: found.host)
        case .notFound, .asset:
            response = nil
        }
        return response.map { Answer(response: $0, close: close) }
    }

    /// Headers that make the answer depend on the request.
    private static let passed: Set<String> = ["if-none-match", "range", "if-range"]
    /// The lengths of those and of `connection`: other headers are not looked at.
    private static let lengths: Set<Int> = Set((passed.map(\.utf8.count)) + [10])
}

extension PrebuiltResponse {
    init(sharing other: PrebuiltResponse, host: String?) {
        self = other
        self.host = host
    }
}

/// Answers on the event loop what `FastPath` answers, in order with Hummingbird: while a request
/// handed to Hummingbird has no complete response, every later request is handed to it too, so
/// pipelined responses keep the order of their requests.
final class FastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let fastPath: FastPath
    /// Requests handed to Hummingbird whose response has not ended.
    private var handedOn = 0
    /// The request being read was answered here: its body and end are dropped.
    private var answered = false
    /// Answered with `Connection: close`: nothing more is read.
    private var closing = false
    private var unflushed = false
    private var remote: String?
    private var date = HTTPDate()

    init(_ fastPath: FastPath) {
        self.fastPath = fastPath
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            let start = ContinuousClock.now
            guard handedOn == 0, let answer = fastPath.answer(head) else {
                handedOn += 1
                answered = false
                context.fireChannelRead(data)
                return
            }
            answered = true
            let response = answer.response
            context.write(wrapOutboundOut(.head(response.head(date: date.now()))), promise: nil)
            if head.method == .GET {
                context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
            }
            if answer.close {
                // Closed once the response is out, as Hummingbird does; nothing more is read.
                closing = true
                unflushed = false
                let written = context.eventLoop.makePromise(of: Void.self)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
                let channel = context.channel
                written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            } else {
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
                unflushed = true
            }
            if remote == nil { remote = context.channel.remoteAddress?.ipAddress ?? "-" }
            let elapsed = ContinuousClock.now - start
            fastPath.responder.store.log.request(
                remote: remote!, method: head.method.rawValue, target: head.uri, status: 200,
                bytes: head.method == .GET ? response.body.readableBytes : 0, host: response.host,
                micros: Int(elapsed.components.attoseconds / 1_000_000_000_000) + Int(elapsed.components.seconds) * 1_000_000)
        case .body, .end:
            if !answered { context.fireChannelRead(data) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), handedOn > 0 { handedOn -= 1 }
        context.write(data, promise: promise)
    }
}

/// The `Date` header's value (RFC 9110's IMF-fixdate, `Thu, 03 Dec 2026 19:40:04 GMT`), formatted
/// once per second.
struct HTTPDate {
    private var second = -1
    private var text = ""

    mutating func now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        if now.tv_sec != second {
            second = now.tv_sec
            var seconds = now.tv_sec
            var parts = tm()
            gmtime_r(&seconds, &parts)
            text = Self.format(parts)
        }
        return text
    }

    static func format(_ parts: tm) -> String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
