import ArgumentParser
import IgnitionCompiler
import InventoryGen

/// The site file and how strictly to judge it; shared by every subcommand that reads a site.
struct SiteOptions: ParsableArguments {
    @Argument(help: "The site file.", completion: .file(extensions: ["yaml", "yml"]))
    var site: String = "site.yaml"

    @Flag(name: .shortAndLong, help: "Treat warnings as errors.")
    var strict = false

    /// Loads the site and prints its diagnostics; returns the IR (and the sources, for later
    /// diagnostics, and the number of warnings printed) when it may be compiled.
    func loadAndReport() -> (site: Site, sources: [String: String], warnings: Int)? {
        let loaded = Compiler.load(path: site, backends: InventoryGen.allBackends)
        let printer = DiagnosticPrinter(sources: loaded.sources)
        printer.print(loaded.diagnostics)
        let failed = loaded.diagnostics.hasErrors || (strict && !loaded.diagnostics.all.isEmpty)
        guard !failed, let site = loaded.site else { return nil }
        return (site, loaded.sources, loaded.diagnostics.sorted.filter { $0.severity == .warning }.count)
    }
}
