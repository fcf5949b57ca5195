import Foundation
import Testing
@testable import IgnitionCompiler

/// The documented resource limits, each at its real value: what is refused, where, and in what
/// words. (The nesting and alias limits are YAMLParserTests'.)
@Suite struct LimitsTests {
    @Test func limitsAreTheDocumentedOnes() {
        let limits = YAMLLimits()
        #expect(limits.maxInputBytes == 16 << 20)
        #expect(limits.maxDepth == 64)
        #expect(limits.maxExpandedNodes == 1_000_000)
        #expect(limits.maxScalarBytes == 1 << 20)
        #expect(SiteDecoder.maxHosts == 50_000)
    }

    /// The site file read from disk: refused at its first byte, with its size.
    @Test func siteFileOverTheInputLimit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let limit = YAMLLimits().maxInputBytes
        let text = minimalSite + "#" + String(repeating: "x", count: limit - minimalSite.utf8.count) + "\n"
        try dir.write("site.yaml", text)
        let loaded = Compiler.load(path: dir.file("site.yaml"), displayName: "site.yaml")
        #expect(loaded.diagnostics.all.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-"): \($0.message)" } == [
            "1:1: input is \(limit + 2) bytes; the limit is \(limit) bytes",
        ])
        #expect(loaded.site == nil)
    }

    /// A stream with no end is read no further than the limit.
    @Test func endlessSiteFileIsCutOff() {
        let limit = YAMLLimits().maxInputBytes
        let loaded = Compiler.load(path: "/dev/zero", displayName: "site.yaml")
        #expect(loaded.diagnostics.all.map(\.message) == ["input is more than \(limit) bytes; the limit is \(limit) bytes"])
        #expect(loaded.diagnostics.all.first?.location == IgnitionCompiler.SourceLocation(file: "site.yaml", line: 1, column: 1))
    }

    /// A Butane snippet file past the limit is refused at its first byte, by its size.
    @Test func snippetFileOverTheInputLimit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let limit = YAMLLimits().maxInputBytes
        try dir.write("big.bu", "variant: fcos\nversion: 1.5.0\n#" + String(repeating: "x", count: limit) + "\n")
        try dir.write("site.yaml", minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: fcos\n  butane: big.bu\n"))
        let loaded = Compiler.load(path: dir.file("site.yaml"), displayName: "site.yaml")
        #expect(loaded.diagnostics.all.map(\.message) == ["input is \(limit + 31) bytes; the limit is \(limit) bytes"])
        let location = loaded.diagnostics.all.first?.location
        #expect(location?.file.hasSuffix("/big.bu") == true && location?.line == 1 && location?.column == 1)
    }

    @Test func siteAtTheInputLimitIsRead() {
        let limit = YAMLLimits().maxInputBytes
        let text = minimalSite + "#" + String(repeating: "x", count: limit - minimalSite.utf8.count - 2) + "\n"
        #expect(text.utf8.count == limit)
        #expect(diagnose(text) == [])
    }

    /// A scalar one byte past the limit is refused where it starts; one at the limit is read.
    @Test func scalarLength() {
        let limit = YAMLLimits().maxScalarBytes
        let over = minimalSite + "kubernetes:\n  vars:\n    token: " + String(repeating: "t", count: limit + 1) + "\n"
        #expect(diagnose(over) == ["site.yaml:21:12: error: scalar is \(limit + 1) bytes; the limit is \(limit) bytes"])
        var parser = YAMLParser()
        var diagnostics = Diagnostics()
        let node = parser.parse(Array(("a: " + String(repeating: "t", count: limit) + "\n").utf8), file: "t.yaml",
                                diagnostics: &diagnostics)
        #expect(node != nil && diagnostics.all.isEmpty)
        parser.limits.maxScalarBytes = 4
        #expect(parser.parse(Array("a: \"12345\"\n".utf8), file: "t.yaml", diagnostics: &diagnostics) == nil)
        #expect(diagnostics.all.map(\.message) == ["scalar is 5 bytes; the limit is 4 bytes"])
        #expect(diagnostics.all.first?.location == IgnitionCompiler.SourceLocation(file: "t.yaml", line: 1, column: 4))
    }

    /// One host past the limit: refused at the `hosts` key, before any host is decoded (the
    /// extra hosts here are empty, and not one "missing required key" is reported).
    @Test func hostCountOverTheLimit() {
        let limit = SiteDecoder.maxHosts
        var text = minimalSite
        for i in 0..<limit { text += "  extra\(i):\n" }
        #expect(diagnose(text) == ["site.yaml:14:1: error: the site has \(limit + 1) hosts; the limit is \(limit)"])
    }

    /// Merge keys count: hosts brought in with `<<` are hosts.
    @Test func hostsMergedInCount() {
        let limit = SiteDecoder.maxHosts
        var text = minimalSite.replacingOccurrences(of: "hosts:\n", with: "hosts:\n  <<: *more\n")
        text = text.replacingOccurrences(of: "networks:\n", with: "x-more: &more\n" + (0..<limit).map { "  extra\($0):\n" }.joined()
                                                                 + "networks:\n")
        let hostsLine = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(of: "hosts:")! + 1
        let lines = diagnose(text)
        #expect(lines.contains("site.yaml:\(hostsLine):1: error: the site has \(limit + 1) hosts; the limit is \(limit)"), "\(lines.prefix(3))")
    }
}
