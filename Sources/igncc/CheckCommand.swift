import ArgumentParser
import IgnitionCompiler
import InventoryGen

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a site file and report every problem, with its location.")

    @OptionGroup var options: SiteOptions

    func run() throws {
        guard let loaded = options.loadAndReport() else { throw ExitCode.failure }
        // What a full build would say about targets that cannot express some of the site.
        let problems = Compiler.check(loaded.site, targets: BuildTarget.allCases, explicit: false,
                                      backends: InventoryGen.allBackends)
        DiagnosticPrinter(sources: loaded.sources).print(problems)
        if problems.hasErrors || (options.strict && !problems.all.isEmpty) { throw ExitCode.failure }
    }
}
