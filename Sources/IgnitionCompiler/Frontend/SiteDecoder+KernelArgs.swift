/// `serve.kernel_args` and a host's `kernel_args`: lists of strings (their rules are the install
/// backend's, `LiveKernelArguments`). One trap is YAML's own: in a flow list a plain scalar ends
/// at the first ',', so `[console=tty0, console=ttyS0,115200n8]` is three items, the last
/// `115200n8`; a kernel argument with a comma is common, a list written without spaces is not.
extension SiteDecoder {
    mutating func decodeKernelArgs(_ node: YAMLNode, field: String) -> [Located<String>] {
        guard let items = Scalars.list(node, field: field, diagnostics: &diagnostics) else { return [] }
        var arguments: [Located<String>] = []
        for (index, item) in items.enumerated() {
            guard let text = Scalars.string(item, field: field, diagnostics: &diagnostics) else { continue }
            if index > 0, let joined = commaJoined(items[index - 1], item) {
                diagnostics.error("'\(joined)' is two items of the list '\(field)': in a flow list YAML ends a plain item at ','; "
                                  + "quote it if it is one kernel argument ('\(joined)'), or put a space after the ','",
                                  at: item.location,
                                  notes: [Diagnostic.Note("the item before the ','", at: items[index - 1].location)])
                continue
            }
            arguments.append(text)
        }
        return arguments
    }

    /// `previous,item` when both are plain scalars written with nothing but a ',' between them on
    /// one line of the site file (`console=ttyS0,115200n8` in a flow list); nil otherwise.
    private func commaJoined(_ previous: YAMLNode, _ item: YAMLNode) -> String? {
        guard previous.isPlainScalar, item.isPlainScalar, let before = previous.scalar, let text = item.scalar,
              previous.location.file == item.location.file, previous.location.line == item.location.line,
              item.location.line >= 1, item.location.line <= sourceLines.count else { return nil }
        let line = Array(sourceLines[item.location.line - 1].unicodeScalars)
        let comma = item.location.column - 2
        guard comma >= 1, comma < line.count, line[comma] == ",",
              previous.location.column - 1 + before.unicodeScalars.count == comma else { return nil }
        return before + "," + text
    }
}
