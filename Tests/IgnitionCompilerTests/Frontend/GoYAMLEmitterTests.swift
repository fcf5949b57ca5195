import Testing
@testable import IgnitionCompiler

/// `GoYAMLEmitter` beside what butane v0.29.0 (yaml.v3) wrote for the same values, in a
/// MachineConfig, checked with the real butane when written down here. The openshift corpus
/// (`ButaneOpenShiftTests`, valid/178 and 186 for quoting, key order and block styles) compares
/// whole documents byte for byte.
struct GoYAMLEmitterTests {
    /// JSON numbers went through float64 in butane: a million and more are in Go's `%g` form.
    @Test func numbersAsGoFloat64() {
        let document = GoYAMLEmitter.document(.object([
            ("a", .int(999_999)), ("b", .int(-5)), ("c", .int(1_000_000)),
            ("d", .int(123_456_789_012)), ("e", .int(9_007_199_254_740_993)),
        ]))
        #expect(String(decoding: document, as: UTF8.self) == """
            a: 999999
            b: -5
            c: 1e+06
            d: 1.23456789012e+11
            e: 9.007199254740992e+15

            """)
    }

    /// NEL is a line break YAML readers fold: yaml.v3 escapes it in double quotes.
    @Test func nextLineIsEscaped() {
        let document = GoYAMLEmitter.document(.object([("nel", .string("x\u{85}y"))]))
        #expect(String(decoding: document, as: UTF8.self) == "nel: \"x\\Ny\"\n")
    }

    /// yaml.v3's key order: digits by value, then letters by code point; a letter before a
    /// non-letter unless a digit run precedes.
    @Test func keysInYAMLv3Order() {
        let keys = ["b10", "b9", "B", "a", "01", "1", "é", "a-b", "ab", "a1", "a01"]
        #expect(keys.sorted(by: GoYAMLEmitter.keyLess) == ["1", "01", "B", "a", "a-b", "a1", "a01", "ab", "b9", "b10", "é"])
    }
}
