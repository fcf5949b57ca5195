import Foundation
import IgnitionCompiler

/// The request target, reduced to a path igncc may serve, or refused. Nothing here touches the
/// file system: a path is served only if it is a key of the snapshot, which holds exactly the
/// files `SHA512SUMS` lists.
struct RequestPath: Equatable {
    /// Without the leading '/', percent-decoded.
    var path: String
    /// The raw query string, if any.
    var query: String?

    /// nil for anything that is not a plain absolute path: `..` or `.` segments (encoded or not),
    /// empty segments (`//`), backslashes, NUL or control bytes, malformed percent escapes,
    /// absolute-form targets (`http://host/…`), dotfiles.
    init?(target: String) {
        guard target.hasPrefix("/") else { return nil }
        if target.utf8.allSatisfy({ $0 < 0x80 }) {
            // Every byte a character: the same split, by bytes (what most requests take).
            let bytes = target.utf8
            let question = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
            let raw = Substring(bytes[bytes.index(after: bytes.startIndex)..<question])
            if raw.utf8.contains(UInt8(ascii: "%")) {
                guard let decoded = Self.percentDecode(raw) else { return nil }
                path = decoded
            } else {
                path = String(raw)
            }
            query = question == bytes.endIndex ? nil : String(Substring(bytes[bytes.index(after: question)...]))
        } else {
            let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            guard let decoded = Self.percentDecode(parts[0].dropFirst()) else { return nil }
            path = decoded
            query = parts.count > 1 ? String(parts[1]) : nil
        }
        if !path.isEmpty && !Self.isServable(path) { return nil }
    }

    /// A relative path with plain segments only.
    static func isServable(_ path: String) -> Bool {
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            // The same rules, by bytes.
            var segmentStart = true
            for byte in path.utf8 {
                if byte == UInt8(ascii: "/") {
                    if segmentStart { return false }
                    segmentStart = true
                    continue
                }
                if segmentStart && byte == UInt8(ascii: ".") { return false }
                if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "\\") { return false }
                segmentStart = false
            }
            return !segmentStart
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.isEmpty && segments.allSatisfy { segment in
            !segment.isEmpty && !segment.hasPrefix(".") &&
                !segment.utf8.contains { $0 < 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\\") }
        }
    }

    static func percentDecode(_ text: Substring) -> String? {
        Percent.decode(text.utf8).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The value of `name` in the query (`+` is a space, percent-escapes decoded).
    func parameter(_ name: String) -> String? {
        for pair in (query ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if kv[0] == name {
                let raw = kv.count > 1 ? kv[1] : ""
                return Self.percentDecode(Substring(raw.replacingOccurrences(of: "+", with: " ")))
            }
        }
        return nil
    }
}

/// One byte range of `Range: bytes=…` (RFC 9110 §14.1.2), resolved against a length.
enum ByteRange: Equatable {
    /// Serve the whole file: no Range header, or one this server does not apply (several ranges,
    /// another unit, a malformed one — RFC 9110 lets a server ignore them).
    case whole
    case part(ClosedRange<Int>)
    case unsatisfiable

    init(header: String?, length: Int) {
        guard let header else { self = .whole; return }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes="), !text.contains(",") else { self = .whole; return }
        let spec = text.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { self = .whole; return }
        let first = spec[0].trimmingCharacters(in: .whitespaces), last = spec[1].trimmingCharacters(in: .whitespaces)
        guard first.allSatisfy(\.isNumber), last.allSatisfy(\.isNumber), !(first.isEmpty && last.isEmpty) else {
            self = .whole
            return
        }
        if first.isEmpty {
            // The last N bytes.
            guard let n = Int(last), n > 0, length > 0 else { self = .unsatisfiable; return }
            self = .part(max(0, length - n)...(length - 1))
            return
        }
        guard let start = Int(first), start < length else { self = .unsatisfiable; return }
        let end = last.isEmpty ? length - 1 : min(Int(last) ?? Int.max, length - 1)
        guard end >= start else { self = .whole; return }
        self = .part(start...end)
    }
}
