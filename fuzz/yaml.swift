// libFuzzer target: the YAML front-end (libyaml events → YAMLNode tree, aliases, limits), in both
// modes the project uses (site.yaml: one document; Butane: first document only, YAML 1.1 only),
// and the caret rendering of whatever it reports. Built by fuzz/run.
import IgnitionCompiler

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var diagnostics = Diagnostics()
    _ = YAMLParser().parse(bytes, file: "fuzz.yaml", diagnostics: &diagnostics)
    var butane = YAMLParser()
    butane.firstDocumentOnly = true
    butane.requireYAML11 = true
    _ = butane.parse(bytes, file: "fuzz.yaml", diagnostics: &diagnostics)
    let renderer = DiagnosticRenderer(sources: ["fuzz.yaml": String(decoding: bytes, as: UTF8.self)])
    for diagnostic in diagnostics.sorted { _ = renderer.render(diagnostic) }
    return 0
}
