import Foundation
import Testing
@testable import IgnitionCompiler

/// The requests machines make while they install are answered from responses prebuilt per
/// build, on the event loop, beside Hummingbird (`FastPathHandler`). What they get must be what
/// Hummingbird answers, byte for byte but the `Date` header, in the order they asked, and each
/// must be in the access log once the server stops.
@Suite(.serialized) struct ServeFastPathTests {
    /// A GET or HEAD without a condition takes the fast path; with an `If-None-Match` that matches
    /// nothing, the same request goes to Hummingbird and is answered 200 with the file too.
    @Test func prebuiltAnswersAreHummingbirdsByteForByte() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try ServeTests.build(ServeTests.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let served = try ServeTests.sums(out).map(\.path).filter { $0.hasPrefix("ignition/") || $0.hasPrefix("install/") }
        #expect(served.count > 10)
        let kube01 = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/ignition/kube01.ign")))
        var targets = try served.map { ("/" + $0, [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + $0)))) }
        targets += [("/ignition?mac=52-54-00-00-01-21", kube01), ("/boot.ipxe", try server.client.get("/boot.ipxe").body),
                    ("/ipxe?mac=525400000121&probe=1", [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/install/ipxe/kube01.ipxe"))))]
        for (target, bytes) in targets {
            for method in ["GET", "HEAD"] {
                let fast = try server.client.request(method, target)
                let slow = try server.client.request(method, target, headers: ["If-None-Match": "\"not-this-one\""])
                #expect(fast.status == 200 && slow.status == 200, "\(method) \(target)")
                #expect(fast.body == (method == "GET" ? bytes : []), "\(method) \(target)")
                #expect(Self.withoutDate(fast.raw) == Self.withoutDate(slow.raw), "\(method) \(target)")
                let date = fast["date"] ?? ""
                #expect(date.wholeMatch(of: /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT/) != nil, "\(date)")
            }
        }
        #expect(server.stop() == 0)
        // The access log names the host the MAC resolved to, on both paths.
        let lines = server.log.split(separator: "\n").filter { $0.contains("path=\"/ignition?mac=52-54-00-00-01-21\" ") }
        #expect(lines.count == 4 && lines.allSatisfy { $0.contains(" status=200 ") && $0.contains(" host=kube01 ") })
        #expect(lines.filter { $0.contains("method=GET ") }.allSatisfy { $0.contains(" bytes=\(kube01.count) ") })
    }

    /// Pipelined requests get their answers in order, whichever path answers each: a request
    /// after one Hummingbird answers waits for it.
    @Test func pipelinedAnswersKeepTheOrderOfTheRequests() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try ServeTests.build(ServeTests.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        func file(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + path))) }
        let asked: [(method: String, target: String, status: Int, body: [UInt8]?)] = [
            ("GET", "/ignition/kube01.ign", 200, try file("ignition/kube01.ign")),
            ("GET", "/nothing", 404, Array("not found\n".utf8)),
            ("GET", "/ignition/kube02.ign", 200, try file("ignition/kube02.ign")),
            ("POST", "/ignition/kube02.ign", 405, Array("only GET and HEAD\n".utf8)),
            ("HEAD", "/ignition/kube03.ign", 200, []),
            ("GET", "/ignition/kube03.ign", 304, []),
            ("GET", "/ipxe?mac=52-54-00-AA-BB-CC", 200, nil),
            ("GET", "/install/kube04.sh", 200, try file("install/kube04.sh")),
            ("GET", "/ignition?mac=52:54:00:00:01:22", 200, try file("ignition/kube02.ign")),
        ]
        let etag = "\"\(Checksums.hex(of: try file("ignition/kube03.ign")))\""
        var text = ""
        for (i, request) in asked.enumerated() {
            text += "\(request.method) \(request.target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            if request.status == 304 { text += "If-None-Match: \(etag)\r\n" }
            if request.method == "POST" { text += "Content-Length: 3\r\n" }
            if request.target.hasSuffix(".sh") { text += "Connection: keep-alive\r\n" }  // as iPXE says
            if i == asked.count - 1 { text += "Connection: close\r\n" }
            text += request.method == "POST" ? "\r\nabc" : "\r\n"
        }
        let replies = try Self.pipeline(port: server.port, text, heads: Set(asked.indices.filter { asked[$0].method == "HEAD" }))
        #expect(replies.count == asked.count)
        for (request, reply) in zip(asked, replies) {
            #expect(reply.status == request.status, "\(request.method) \(request.target)")
            if let body = request.body { #expect(reply.body == body, "\(request.method) \(request.target)") }
        }
        #expect(String(decoding: replies[6].body, as: UTF8.self).contains("has the MAC 52:54:00:aa:bb:cc"))
    }

    /// Answers are logged in a buffer flushed once a second and when the server stops: a burst
    /// stopped at once still has one line per request, none twice.
    @Test func everyAnswerIsLoggedOnceWhenTheServerStops() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try ServeTests.build(ServeTests.lacave, into: out)
        let server = try ServerProcess(directory: out, logPath: dir.file("serve.log"))
        let hosts = ["kube01", "kube02", "kube03", "kube04"]
        let count = 2000
        var text = ""
        for i in 0..<count {
            text += "GET /ignition/\(hosts[i % hosts.count]).ign?n=\(i) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            text += i == count - 1 ? "Connection: close\r\n\r\n" : "\r\n"
        }
        let replies = try Self.pipeline(port: server.port, text, heads: [])
        #expect(replies.count == count && replies.allSatisfy { $0.status == 200 })
        #expect(server.stop() == 0)
        // `=` in the target: logfmt quotes it.
        let lines = server.log.split(separator: "\n").filter { $0.contains(" method=GET path=\"/ignition/") }
        #expect(lines.count == count)
        let paths = lines.compactMap { $0.firstMatch(of: #/path="([^"]*)" status=200 bytes=\d+ host=kube0\d /#)?.1 }.map(String.init)
        #expect(paths.count == count)
        #expect(Set(paths) == Set((0..<count).map { "/ignition/\(hosts[$0 % hosts.count]).ign?n=\($0)" }))
    }

    static func withoutDate(_ raw: [UInt8]) -> String {
        String(decoding: raw, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
            .filter { !$0.lowercased().hasPrefix("date:") }.joined(separator: "\r\n")
    }

    /// Sends `text` (several requests) in one write, reads until the server closes, and splits
    /// the answers by their `Content-Length` (none for the answers to HEAD, at `heads`).
    static func pipeline(port: Int, _ text: String, heads: Set<Int>) throws -> [RawHTTP.Reply] {
        let received = try RawHTTP(port: port).exchange(Array(text.utf8))
        var replies: [RawHTTP.Reply] = []
        var offset = 0
        while offset < received.count {
            var split = offset
            while split + 4 <= received.count,
                  !(received[split] == 13 && received[split + 1] == 10 && received[split + 2] == 13 && received[split + 3] == 10) {
                split += 1
            }
            guard split + 4 <= received.count else { throw POSIXError(.EBADMSG) }
            let head = String(decoding: received[offset..<split], as: UTF8.self).components(separatedBy: "\r\n")
            var fields: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = heads.contains(replies.count) ? 0 : Int(fields["content-length"] ?? "0") ?? 0
            let end = split + 4 + length
            guard end <= received.count else { throw POSIXError(.EBADMSG) }
            replies.append(RawHTTP.Reply(status: Int(head[0].split(separator: " ")[1]) ?? 0, headers: fields,
                                         body: Array(received[(split + 4)..<end]), raw: Array(received[offset..<end])))
            offset = end
        }
        return replies
    }
}
