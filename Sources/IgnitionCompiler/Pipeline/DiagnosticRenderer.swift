/// Prints diagnostics as `file:line:column: error: message`, the source line with a caret
/// under the column, and `note:` lines likewise.
public struct DiagnosticRenderer {
    private var lines: [String: [Substring]] = [:]
    public var color: Bool

    public init(sources: [String: String], color: Bool = false) {
        for (file, text) in sources {
            lines[file] = Lines.split(text)
        }
        self.color = color
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        var out = entry(diagnostic.severity.rawValue, diagnostic.message, at: diagnostic.location)
        for note in diagnostic.notes {
            out += entry("note", note.message, at: note.location)
        }
        return out
    }

    private func entry(_ label: String, _ message: String, at location: SourceLocation?) -> String {
        let prefix = location.map { "\($0): " } ?? ""
        var out = "\(bold(prefix))\(paint(label + ":", for: label)) \(bold(message))\n"
        if let location, let text = lines[location.file], location.line >= 1, location.line <= text.count {
            var line = String(text[location.line - 1])
            if line.hasSuffix("\r") { line.removeLast() }
            let gutter = String(location.line)
            let pad = String(repeating: " ", count: gutter.count)
            // Keep tabs under tabs so the caret lines up however the terminal expands them.
            let lead = line.unicodeScalars.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            out += " \(gutter) | \(line)\n"
            out += " \(pad) | \(lead)\(paint("^", for: label))\n"
        }
        return out
    }

    private func bold(_ s: String) -> String { color && !s.isEmpty ? "\u{1B}[1m\(s)\u{1B}[0m" : s }

    private func paint(_ s: String, for label: String) -> String {
        guard color else { return s }
        let code = label == "error" ? "31" : label == "warning" ? "35" : "36"
        return "\u{1B}[1;\(code)m\(s)\u{1B}[0m"
    }
}

/// Lines of a text, split on its bytes: splitting a String on Characters would find grapheme
/// boundaries in every line of a large site file for nothing.
package enum Lines {
    package static func split(_ text: String) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }
}
