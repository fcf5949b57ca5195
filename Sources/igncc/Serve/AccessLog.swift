import Foundation
import Synchronization

/// One logfmt line per request (and per server event) on standard output, buffered and flushed
/// at least once a second and on shutdown, so logging does not cost a system call per request.
final class AccessLog: Sendable {
    private let buffer = Mutex<[UInt8]>([])

    func request(remote: String, method: String, target: String, status: Int, bytes: Int, host: String?, micros: Int) {
        var line = "time=\(Self.timestamp()) remote=\(remote) method=\(method) path=\(Self.quote(target)) status=\(status)"
        line += " bytes=\(bytes) host=\(host ?? "-") us=\(micros)\n"
        append(line)
    }

    func event(_ name: String, _ fields: KeyValuePairs<String, String>) {
        var line = "time=\(Self.timestamp()) event=\(name)"
        for (key, value) in fields { line += " \(key)=\(Self.quote(value))" }
        append(line + "\n")
        flush()
    }

    private func append(_ line: String) {
        let full = buffer.withLock { buffer -> Bool in
            buffer.append(contentsOf: line.utf8)
            return buffer.count > 1 << 16
        }
        if full { flush() }
    }

    func flush() {
        let bytes = buffer.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { if errno == EINTR { continue } else { break } }
                offset += n
            }
        }
    }

    /// A value as logfmt writes it: bare when it has no space, quote or control character.
    static func quote(_ value: String) -> String {
        if !value.isEmpty && !value.unicodeScalars.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.value < 0x20 || $0.value == 0x7f }) {
            return value
        }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The current second's `YYYY-MM-DDTHH:MM:SS`, formatted once per second.
    private static let second = Mutex<(Int, String)>((-1, ""))

    /// UTC, to the millisecond: `2026-11-23T13:20:00.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let prefix = second.withLock { cached -> String in
            if cached.0 == now.tv_sec { return cached.1 }
            var parts = tm()
            var seconds = now.tv_sec
            gmtime_r(&seconds, &parts)
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                              parts.tm_hour, parts.tm_min, parts.tm_sec)
            cached = (now.tv_sec, text)
            return text
        }
        let millis = Int(now.tv_nsec / 1_000_000)
        return prefix + (millis < 10 ? ".00" : millis < 100 ? ".0" : ".") + String(millis) + "Z"
    }
}
