import Foundation
import Testing

/// A minimal HTTP/1.1 client over a plain socket: it sends the request target exactly as given
/// (`/../x`, `%2e%2e`, absolute-form), which curl and URLSession would normalize.
struct RawHTTP {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        /// The whole answer as received: status line, headers and body.
        var raw: [UInt8]

        subscript(_ name: String) -> String? { headers[name.lowercased()] }
    }

    let port: Int

    func request(_ method: String, _ target: String, headers: [String: String] = [:]) throws -> Reply {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        let received = try exchange(Array(text.utf8))
        guard let split = Self.find([13, 10, 13, 10], in: received) else { throw POSIXError(.EBADMSG) }
        let head = String(decoding: received[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: fields, body: Array(received[(split + 4)...]), raw: received)
    }

    /// Sends `bytes` on a new connection and returns what comes back until the server closes it.
    func exchange(_ bytes: [UInt8]) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw POSIXError(.ECONNREFUSED) }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw POSIXError(.EIO) }
            sent += n
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            received += chunk[0..<n]
        }
        return received
    }

    func get(_ target: String, headers: [String: String] = [:]) throws -> Reply { try request("GET", target, headers: headers) }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<i + needle.count]) == needle { return i }
        return nil
    }
}

/// `igncc serve` running in the background on a free port, its standard output in a file.
final class ServerProcess {
    let process = Process()
    let port: Int
    let logPath: String

    /// `listen` makes `--listen` from the port (127.0.0.1:PORT by default); `port` is a free one
    /// unless given.
    init(directory: String, logPath: String, extra: [String] = [], port: Int? = nil,
         listen: (Int) -> String = { "127.0.0.1:\($0)" }) throws {
        self.port = try port ?? freePort()
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: TestPaths.binary)
        process.arguments = ["serve", directory, "--listen", listen(self.port), "--poll", "0.2"] + extra
        process.standardOutput = FileHandle(forWritingAtPath: logPath)
        process.standardError = FileHandle(forWritingAtPath: logPath + ".err") ?? FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if (try? RawHTTP(port: self.port).get("/boot.ipxe"))?.status == 200 { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        stop()
        throw POSIXError(.ETIMEDOUT)
    }

    var client: RawHTTP { RawHTTP(port: port) }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, and the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit { stop() }
}
