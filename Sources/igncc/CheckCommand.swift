import ArgumentParser
import IgnitionCompiler
import InventoryGen

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a site file and report every problem, with its location.",
        discussion: """
            Problems go to standard error. On success, one line on standard output sums the site up: \
            'site.yaml: ok, 4 hosts (2 control planes, 3 etcd, 4 workers), 1 network, 0 warnings'.
            """)

    @OptionGroup var options: SiteOptions

    func run() throws {
        guard let loaded = options.loadAndReport() else { throw ExitCode.failure }
        // What a full build would say about targets that cannot express some of the site.
        let problems = Compiler.check(loaded.site, targets: BuildTarget.allCases, explicit: false,
                                      backends: InventoryGen.allBackends)
        DiagnosticPrinter(sources: loaded.sources).print(problems)
        if problems.hasErrors || (options.strict && !problems.all.isEmpty) { throw ExitCode.failure }
        let warnings = loaded.warnings + problems.sorted.filter { $0.severity == .warning }.count
        print(Self.summary(of: loaded.site, file: options.site, warnings: warnings))
    }

    /// `site.yaml: ok, 4 hosts (2 control planes, 3 etcd, 4 workers), 1 network, 0 warnings`.
    static func summary(of site: Site, file: String, warnings: Int) -> String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        let roles = [count(site.hosts.filter { $0.has(.controlPlane) }.count, "control plane", "control planes"),
                     count(site.hosts.filter { $0.has(.etcd) }.count, "etcd", "etcd"),
                     count(site.hosts.filter { $0.has(.worker) }.count, "worker", "workers")]
        return "\(file): ok, \(count(site.hosts.count, "host", "hosts")) (\(roles.joined(separator: ", "))), "
            + "\(count(site.networks.count, "network", "networks")), \(count(warnings, "warning", "warnings"))"
    }
}
