/// Reads one YAML mapping against the keys the schema allows: reports duplicate keys
/// (with a note at the first), unknown keys (with a suggestion), and non-scalar keys.
struct MappingReader {
    let node: YAMLNode
    /// What the mapping is, for messages: "host 'kube01'", "the site", …
    let what: String
    private(set) var entries: [(key: Located<String>, value: YAMLNode)] = []
    /// The key nodes of `entries`, in the same order.
    private(set) var keyNodes: [YAMLNode] = []

    /// Returns nil (after reporting) when `node` is not a mapping.
    init?(_ node: YAMLNode, what: String, allowed: [String], diagnostics: inout Diagnostics) {
        guard case .mapping = node.kind else {
            if !node.isNull {
                diagnostics.error("expected a mapping for \(what), found \(node.kindDescription)", at: node.location)
            }
            return nil
        }
        self.node = node
        self.what = what
        var seen: [String: SourceLocation] = [:]
        for (key, value) in Self.flatten(node) {
            guard let name = key.scalar else {
                diagnostics.error("keys of \(what) must be scalars, found \(key.kindDescription)", at: key.location)
                continue
            }
            if let first = seen[name] {
                diagnostics.error("duplicate key '\(name)' in \(what)", at: key.location,
                                  notes: [Diagnostic.Note("'\(name)' first defined here", at: first)])
                continue
            }
            seen[name] = key.location
            if !allowed.isEmpty && !allowed.contains(name) {
                var message = "unknown key '\(name)' in \(what)"
                if let suggestion = Spelling.suggestion(for: name, among: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                }
                diagnostics.error(message, at: key.location)
                continue
            }
            entries.append((Located(name, at: key.location), value))
            keyNodes.append(key)
        }
    }

    /// The mapping's pairs with YAML merge keys (`<<: *anchor`) applied: explicit keys win.
    static func flatten(_ node: YAMLNode) -> [(key: YAMLNode, value: YAMLNode)] {
        guard case .mapping(let pairs) = node.kind else { return [] }
        var own: [(key: YAMLNode, value: YAMLNode)] = []
        var merged: [(key: YAMLNode, value: YAMLNode)] = []
        // Looked up in a set, not by searching `merged`: merging n keys is then O(n), not O(n²)
        // (n may be in the hundreds of thousands within the alias limit).
        var mergedKeys: Set<String?> = []
        for pair in pairs {
            if pair.key.isPlainScalar, pair.key.scalar == "<<" {
                let sources: [YAMLNode]
                if case .sequence(let items) = pair.value.kind { sources = items } else { sources = [pair.value] }
                for source in sources {
                    for inherited in flatten(source) where mergedKeys.insert(inherited.key.scalar).inserted {
                        merged.append(inherited)
                    }
                }
            } else {
                own.append(pair)
            }
        }
        let overridden = Set(own.compactMap(\.key.scalar))
        return own + merged.filter { !overridden.contains($0.key.scalar ?? "") }
    }

    /// The value of `key`, or nil when it is absent or null.
    func value(_ key: String) -> YAMLNode? {
        guard let entry = entries.first(where: { $0.key.value == key }), !entry.value.isNull else { return nil }
        return entry.value
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// The value of `key`, reporting it missing when absent.
    func required(_ key: String, diagnostics: inout Diagnostics) -> YAMLNode? {
        if let value = value(key) { return value }
        diagnostics.error("missing required key '\(key)' in \(what)", at: node.location)
        return nil
    }
}

/// "Did you mean" suggestions by edit distance.
package enum Spelling {
    package static func suggestion(for word: String, among candidates: [String]) -> String? {
        // Nobody mistypes a 64-character key; and the distance table grows with the product of lengths.
        guard word.count <= 64 else { return nil }
        let limit = max(1, min(3, word.count / 3))
        let lowered = word.lowercased(), length = word.count
        var best: (String, Int)?
        for candidate in candidates {
            // The distance is at least the difference in length, so a candidate more than `limit`
            // longer or shorter cannot be suggested: skip it without reading more of it than that
            // takes (a fuzzed site of 200 networks named with kilobytes each took seconds here).
            // A Character is at least one byte; lengths are counted before lowercasing.
            guard candidate.utf8.count >= length - limit,
                  candidate.prefix(length + limit + 1).count <= length + limit else { continue }
            let d = distance(lowered, candidate.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Damerau-Levenshtein distance (optimal string alignment).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // One flat table, row i at i * width: a site with hundreds of misspelt network names asks
        // for tens of thousands of distances, and a table of rows was an allocation per row.
        let width = b.count + 1
        var d = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count { d[i * width] = i }
        for j in 0...b.count { d[j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1, d[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, d[(i - 2) * width + j - 2] + 1)
                }
                d[i * width + j] = value
            }
        }
        return d[a.count * width + b.count]
    }
}
