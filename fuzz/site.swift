// libFuzzer target: a whole site file through the pipeline `igncc build` runs: YAML → Site IR →
// SiteValidator → every backend's rules → snippets; then, on a site with no errors, every
// backend's check and the build of every target (Ignition, network, Butane, install, Kubespray,
// BIND, libvirt), so the generators are fuzzed too. Built by fuzz/run.
import Foundation
import IgnitionCompiler
import InventoryGen

/// Snippet paths resolve against an empty directory: the fuzzer must not read the work tree.
private let baseDirectory: String = {
    let path = NSTemporaryDirectory() + "/igncc-fuzz-site-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSite(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let backends = InventoryGen.allBackends
    let loaded = Compiler.load(bytes: bytes, displayName: "site.yaml", baseDirectory: baseDirectory,
                               backends: backends)
    var diagnostics = loaded.diagnostics
    if let site = loaded.compilable {
        let targets = BuildTarget.allCases
        diagnostics.append(contentsOf: Compiler.check(site, targets: targets, explicit: true, backends: backends).all)
        let options = BuildOptions(targets: targets, pretty: true, date: BuildDate(year: 2026, month: 1, day: 2))
        _ = Compiler.build(site, options: options, backends: backends)
    }
    let renderer = DiagnosticRenderer(sources: loaded.sources)
    for diagnostic in diagnostics.sorted { _ = renderer.render(diagnostic) }
    return 0
}
