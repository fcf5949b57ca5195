import Testing
@testable import IgnitionCompiler

@Suite struct YAMLParserTests {
    private func parse(_ text: String) -> (YAMLNode?, [Diagnostic]) {
        var diagnostics = Diagnostics()
        let node = YAMLParser().parse(Array(text.utf8), file: "t.yaml", diagnostics: &diagnostics)
        return (node, diagnostics.all)
    }

    @Test func positionsAreOneBased() throws {
        let (root, _) = parse("a: 1\nb:\n  - x\n")
        let node = try #require(root)
        guard case .mapping(let pairs) = node.kind else { Issue.record("not a mapping"); return }
        #expect(pairs[0].key.location == SourceLocation(file: "t.yaml", line: 1, column: 1))
        #expect(pairs[1].value.location.line == 3)
        guard case .sequence(let items) = pairs[1].value.kind else { Issue.record("not a list"); return }
        #expect(items[0].location == SourceLocation(file: "t.yaml", line: 3, column: 5))
    }

    @Test func syntaxErrorIsLocated() {
        #expect(diagnose("version: 1\nsite: [a, b\n") == [
            "site.yaml:3:1: error: did not find expected ',' or ']'",
            "site.yaml:2:7: note: while parsing a flow sequence",
        ])
    }

    @Test func tabIndentationIsASyntaxError() {
        let lines = diagnose("version: 1\nhosts:\n\tnode1: {}\n")
        #expect(lines.first?.hasPrefix("site.yaml:3:1: error: found character that cannot start any token") == true)
    }

    @Test func secondDocumentIsRejected() {
        #expect(diagnose("version: 1\n---\nversion: 1\n") == [
            "site.yaml:2:1: error: expected a single YAML document, found a second one",
        ])
    }

    @Test func aliasesShareTheAnchoredNode() throws {
        let (root, diagnostics) = parse("a: &x {k: v}\nb: *x\n")
        #expect(diagnostics.isEmpty)
        guard case .mapping(let pairs) = try #require(root).kind else { Issue.record("not a mapping"); return }
        #expect(pairs[0].value === pairs[1].value)
    }

    @Test func unknownAliasIsAnError() {
        #expect(diagnose("a: *nope\n") == ["site.yaml:1:4: error: unknown alias '*nope'"])
    }

    /// The "billion laughs": nine levels of ten aliases. Refused at the first level past the
    /// limit, which is reached after a few thousand events, without building the expansion.
    @Test func billionLaughsIsRefused() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            let previous = String(UnicodeScalar(level.unicodeScalars.first!.value - 1)!)
            text += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ",") + "]\n"
        }
        let lines = diagnose(text)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("site.yaml:6:") == true)
        #expect(lines.first?.contains("error: aliases expand the document past 1000000 nodes") == true)
        #expect(lines.last?.contains("note: anchor '&e' defined here") == true)
    }

    @Test func nestingDepthIsBounded() {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        #expect(diagnose(text) == ["site.yaml:1:65: error: nesting is deeper than 64 levels"])
    }

    @Test func oversizedInputIsRefused() {
        var parser = YAMLParser()
        parser.limits.maxInputBytes = 10
        var diagnostics = Diagnostics()
        #expect(parser.parse(Array("a: 123456789\n".utf8), file: "t.yaml", diagnostics: &diagnostics) == nil)
        #expect(diagnostics.all.map(\.message) == ["input is 13 bytes; the limit is 10 bytes"])
    }

    @Test func emptyFileIsReported() {
        #expect(diagnose("") == ["site.yaml:1:1: error: the file has no YAML document"])
        #expect(diagnose("# only a comment\n") == ["site.yaml:1:1: error: the file has no YAML document"])
    }
}
