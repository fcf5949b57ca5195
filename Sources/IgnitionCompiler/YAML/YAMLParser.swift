import CYAML

/// Parses YAML text into `YAMLNode`s with libyaml's event API. The only file that sees libyaml.
package struct YAMLParser {
    package var limits = YAMLLimits()
    /// Where the text starts in its file, for text embedded in another document (a literal
    /// block scalar): added to every line, and to every column, of the positions reported.
    package var lineOffset = 0
    package var columnOffset = 0
    /// Read the first document of a stream and ignore the rest (what yaml.v3's Unmarshal does,
    /// so butane); otherwise a second document is an error.
    package var firstDocumentOnly = false
    /// Refuse a `%YAML` directive other than 1.1, as yaml.v3 does.
    package var requireYAML11 = false

    package init() {}

    /// Parses one document. Problems are reported into `diagnostics`; returns nil on a fatal one.
    package func parse(_ bytes: [UInt8], file: String, diagnostics: inout Diagnostics) -> YAMLNode? {
        if bytes.count > limits.maxInputBytes {
            diagnostics.error("input is \(bytes.count) bytes; the limit is \(limits.maxInputBytes) bytes",
                              at: SourceLocation(file: file, line: 1, column: 1))
            return nil
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.error("cannot initialize the YAML parser", at: nil)
            return nil
        }
        defer { yaml_parser_delete(&parser) }

        return bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            var builder = Builder(file: file, limits: limits, lineOffset: lineOffset, columnOffset: columnOffset)
            builder.requireYAML11 = requireYAML11
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.reportParserError(parser, into: &diagnostics)
                    return nil
                }
                defer { yaml_event_delete(&event) }
                let done = event.type == YAML_STREAM_END_EVENT || (firstDocumentOnly && event.type == YAML_DOCUMENT_END_EVENT)
                if let problem = builder.consume(event) {
                    diagnostics.error(problem.message, at: problem.location, notes: problem.notes)
                    return nil
                }
                if done { break }
            }
            guard let root = builder.root else {
                diagnostics.error("the file has no YAML document", at: SourceLocation(file: file, line: 1, column: 1))
                return nil
            }
            return root
        }
    }
}

/// Turns the event stream into a tree, resolving aliases and enforcing limits.
private struct Builder {
    let file: String
    let limits: YAMLLimits
    var root: YAMLNode?
    var documents = 0
    var anchors: [String: YAMLNode] = [:]
    var expanded = 0
    var requireYAML11 = false

    /// An open collection. A class, so that appending to it never copies what it holds.
    final class Frame {
        let start: SourceLocation
        let tag: String?
        let anchor: String?
        let isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var pendingKey: YAMLNode?

        init(start: SourceLocation, tag: String?, anchor: String?, isMapping: Bool) {
            self.start = start
            self.tag = tag
            self.anchor = anchor
            self.isMapping = isMapping
        }
    }
    var stack: [Frame] = []

    struct Problem {
        var message: String
        var location: SourceLocation?
        var notes: [Diagnostic.Note] = []
    }

    let lineOffset: Int
    let columnOffset: Int

    init(file: String, limits: YAMLLimits, lineOffset: Int, columnOffset: Int) {
        self.file = file
        self.limits = limits
        self.lineOffset = lineOffset
        self.columnOffset = columnOffset
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1 + columnOffset)
    }

    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    mutating func consume(_ event: yaml_event_t) -> Problem? {
        let start = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            if requireYAML11, let directive = event.data.document_start.version_directive,
               directive.pointee.major != 1 || directive.pointee.minor != 1 {
                return Problem(message: "found incompatible YAML document (only %YAML 1.1 is read)", location: start)
            }
            documents += 1
            if documents > 1 {
                return Problem(message: "expected a single YAML document, found a second one", location: start)
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let length = Int(data.length)
            if length > limits.maxScalarBytes {
                return Problem(message: "scalar is \(length) bytes; the limit is \(limits.maxScalarBytes) bytes", location: start)
            }
            let text = data.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            } ?? ""
            let style: YAMLNode.ScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = Self.string(data.tag).flatMap { $0 == "!" ? nil : $0 }
            let node = YAMLNode(.scalar(text, style), tag: tag, location: start)
            return add(node, anchor: Self.string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                return Problem(message: "unknown alias '*\(name)'", location: start)
            }
            expanded &+= target.weight
            if expanded > limits.maxExpandedNodes {
                return Problem(
                    message: "aliases expand the document past \(limits.maxExpandedNodes) nodes",
                    location: start,
                    notes: [Diagnostic.Note("anchor '&\(name)' defined here", at: target.location)])
            }
            return add(target, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            if stack.count >= limits.maxDepth {
                return Problem(message: "nesting is deeper than \(limits.maxDepth) levels", location: start)
            }
            let data = event.data.sequence_start
            stack.append(Frame(start: start, tag: Self.string(data.tag), anchor: Self.string(data.anchor), isMapping: false))
        case YAML_MAPPING_START_EVENT:
            if stack.count >= limits.maxDepth {
                return Problem(message: "nesting is deeper than \(limits.maxDepth) levels", location: start)
            }
            let data = event.data.mapping_start
            stack.append(Frame(start: start, tag: Self.string(data.tag), anchor: Self.string(data.anchor), isMapping: true))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return nil }
            let kind: YAMLNode.Kind = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
            return add(YAMLNode(kind, tag: frame.tag, location: frame.start), anchor: frame.anchor)
        default:
            break
        }
        return nil
    }

    mutating func add(_ node: YAMLNode, anchor: String?) -> Problem? {
        if let anchor { anchors[anchor] = node }
        guard let top = stack.last else {
            root = node
            return nil
        }
        if !top.isMapping {
            top.items.append(node)
        } else if let key = top.pendingKey {
            top.pairs.append((key, node))
            top.pendingKey = nil
        } else {
            top.pendingKey = node
        }
        return nil
    }

    func reportParserError(_ parser: yaml_parser_t, into diagnostics: inout Diagnostics) {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var notes: [Diagnostic.Note] = []
        if let context = parser.context.map({ String(cString: $0) }) {
            notes.append(Diagnostic.Note(context, at: location(parser.context_mark)))
        }
        let at = parser.error == YAML_READER_ERROR
            ? SourceLocation(file: file, line: 1 + lineOffset, column: 1 + columnOffset)
            : location(parser.problem_mark)
        diagnostics.error(problem, at: at, notes: notes)
    }
}
