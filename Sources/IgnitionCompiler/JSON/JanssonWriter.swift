import CJansson

/// Serializes `JSONValue` with jansson. The only file that sees jansson's writer.
package enum JanssonWriter {
    package enum Style { case compact, pretty }

    /// The JSON text, followed by a newline.
    package static func render(_ value: JSONValue, style: Style) -> [UInt8] {
        let json = make(value)
        defer { json_decref(json) }
        // JSON_INDENT(n) is a macro Swift cannot import: it is n masked into the low bits.
        let flags: Int = style == .pretty ? 2 : Int(JSON_COMPACT)
        let size = json_dumpb(json, nil, 0, flags)
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: size) {
                json_dumpb(json, $0, size, flags)
            }
        }
        precondition(written == size, "jansson wrote \(written) of \(size) bytes")
        bytes.append(0x0A)
        return bytes
    }

    private static func make(_ value: JSONValue) -> UnsafeMutablePointer<json_t> {
        switch value {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .int(let i): return json_integer(json_int_t(i))
        case .string(let s):
            // A terminating NUL keeps the pointer valid for empty strings; the length excludes it.
            let utf8 = Array(s.utf8) + [0]
            return utf8.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { json_stringn_nocheck($0.baseAddress!, $0.count - 1) }
            }
        case .array(let items):
            let array = json_array()!
            for item in items { json_array_append_new(array, make(item)) }
            return array
        case .object(let pairs):
            let object = json_object()!
            for (key, item) in pairs { json_object_set_new_nocheck(object, key, make(item)) }
            return object
        }
    }
}
