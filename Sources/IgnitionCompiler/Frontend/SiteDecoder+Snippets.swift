import Foundation
import Glibc

extension SiteDecoder {
    /// `roles:` — per-role settings: a Butane snippet, and with k3s the role's k3s settings.
    mutating func decodeRoles(_ node: YAMLNode) {
        guard let reader = MappingReader(node, what: "'roles'", allowed: [], diagnostics: &diagnostics) else { return }
        for (key, value) in reader.entries {
            guard let role = Role(spelling: key.value) ?? k3sRole(key) ?? nil else {
                if Self.k3sRoleSpellings[key.value] != nil { continue }  // reported by k3sRole
                if let problem = Role.groupProblem(key.value) {
                    diagnostics.error(problem, at: key.location)
                    continue
                }
                let known = Role.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                diagnostics.error("unknown role '\(key.value)' in 'roles'; expected one of \(known)", at: key.location)
                continue
            }
            guard let settings = MappingReader(value, what: "role '\(role.rawValue)'", allowed: ["butane", "k3s"],
                                               diagnostics: &diagnostics) else { continue }
            if let entry = settings.entries.first(where: { $0.key.value == "k3s" }) {
                k3sKeys.append(entry.key.location)
                let config = decodeK3sConfig(entry.value, field: "roles.\(key.value).k3s")
                // Given twice with a snippet both times, the snippet's check below reports it.
                let reportedBelow = settings.has("butane") && roleSnippets[role] != nil
                if let first = roleK3sConfigs.first(where: { $0.role.value == role }) {
                    if !reportedBelow {
                        diagnostics.error("role '\(role.rawValue)' is given twice in 'roles' (as '\(key.value)')", at: key.location,
                                          notes: [Diagnostic.Note("first given here", at: first.role.location)])
                    }
                } else {
                    roleK3sConfigs.append((Located(role, at: key.location), config))
                }
            }
            if let n = settings.value("butane"), let snippet = decodeSnippet(n, origin: .role(role)) {
                if let first = roleSnippets[role] {
                    diagnostics.error("role '\(role.rawValue)' is given twice in 'roles' (as '\(key.value)')", at: key.location,
                                      notes: [Diagnostic.Note("first given here", at: first.location)])
                    continue
                }
                roleSnippets[role] = snippet
            }
        }
    }

    /// A `butane:` value: a mapping (the snippet itself), a path to a file relative to site.yaml,
    /// or Butane text. Positions of a literal block (`butane: |`) are site.yaml's.
    mutating func decodeSnippet(_ node: YAMLNode, origin: ButaneSnippet.Origin) -> ButaneSnippet? {
        nextSnippetID += 1
        func make(_ document: YAMLNode) -> ButaneSnippet {
            ButaneSnippet(origin: origin, location: node.location, document: document, id: nextSnippetID)
        }
        switch node.kind {
        case .mapping:
            return make(node)
        case .sequence:
            diagnostics.error("expected a Butane snippet (a mapping, Butane text, or a path to a file) for 'butane', found a list",
                              at: node.location)
            return nil
        case .scalar(let text, let style):
            if node.isNull {
                diagnostics.error("'butane' is empty", at: node.location)
                return nil
            }
            var parser = YAMLParser()
            var name: String
            var bytes: [UInt8]
            if let path = snippetPath(text, style: style) {
                name = path
                if let problem = Self.fileProblem(path) {
                    diagnostics.error("cannot read Butane snippet '\(text)': \(problem) (a path is relative to the site file's directory, \(Self.absolute(baseDirectory)))",
                                      at: node.location)
                    return nil
                }
                switch BoundedFile.read(name, limit: parser.limits.maxInputBytes) {
                case .unreadable(let code):
                    diagnostics.error("cannot read Butane snippet '\(text)': \(SystemError.text(code))", at: node.location)
                    return nil
                case .tooLarge(let size):
                    diagnostics.error(BoundedFile.tooLargeMessage(size, limit: parser.limits.maxInputBytes),
                                      at: SourceLocation(file: name, line: 1, column: 1))
                    return nil
                case .bytes(let read):
                    bytes = read
                }
                extraSources[name] = String(decoding: bytes, as: UTF8.self)
            } else if style == .literal, let indent = blockIndent(after: node.location.line) {
                name = node.location.file
                bytes = Array(text.utf8)
                parser.lineOffset = node.location.line
                parser.columnOffset = indent
            } else {
                name = "\(node.location.file)[butane@\(node.location.line)]"
                bytes = Array(text.utf8)
                extraSources[name] = text
            }
            guard let document = parser.parse(bytes, file: name, diagnostics: &diagnostics) else { return nil }
            return make(document)
        }
    }

    /// The file a one-line `butane:` value names, or nil when the value is Butane text. A value that
    /// names an existing file is a path whatever its extension (`.bu`, `.yaml`, fcct's `.fcc`…);
    /// one that names none is still a path (reported missing) unless it reads as a mapping.
    private func snippetPath(_ text: String, style: YAMLNode.ScalarStyle) -> String? {
        guard style != .literal, style != .folded, !text.contains("\n"), !text.isEmpty else { return nil }
        let path = baseDirectory == "." || text.hasPrefix("/") ? text : baseDirectory + "/" + text
        var info = stat()
        if stat(path, &info) == 0 { return path }
        let trimmed = text.drop { $0 == " " }
        if trimmed.hasPrefix("{") || text.contains(": ") { return nil }
        return path
    }

    /// Why `path` cannot be read as a snippet file (errno's text), or nil.
    private static func fileProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return SystemError.text() }
        if info.st_mode & S_IFMT == S_IFDIR { return "it is a directory" }
        guard access(path, R_OK) == 0 else { return SystemError.text() }
        return nil
    }

    private static func absolute(_ directory: String) -> String {
        if directory.hasPrefix("/") { return directory }
        let cwd = FileManager.default.currentDirectoryPath
        return directory == "." ? cwd : cwd + "/" + directory
    }

    /// The indentation of a block scalar's content: that of the first non-blank line after `line`.
    private func blockIndent(after line: Int) -> Int? {
        guard line < sourceLines.count else { return nil }
        for text in sourceLines[line...] {
            let spaces = text.prefix { $0 == " " }.count
            if spaces < text.count, !text.allSatisfy({ $0 == " " || $0 == "\r" }) { return spaces }
        }
        return nil
    }
}
