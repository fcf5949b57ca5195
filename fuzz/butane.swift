// libFuzzer target: the Butane front-end (`igncc butane`): translate, in normal and strict mode,
// render the Ignition JSON, and check that JSON again with `igncc validate`'s rules. No files
// directory, so `local` references are refused rather than read. Built by fuzz/run.
import IgnitionCompiler

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzButane(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let result = Butane.translate(bytes: bytes, file: "fuzz.bu")
    var diagnostics = result.diagnostics
    if let json = result.json(pretty: true) {
        diagnostics.append(contentsOf: IgnitionValidation.validate(bytes: json, file: "fuzz.ign").all)
    }
    _ = Butane.translate(bytes: bytes, file: "fuzz.bu", options: ButaneOptions(strict: true))
    let renderer = DiagnosticRenderer(sources: ["fuzz.bu": String(decoding: bytes, as: UTF8.self)])
    for diagnostic in diagnostics.sorted { _ = renderer.render(diagnostic) }
    return 0
}
