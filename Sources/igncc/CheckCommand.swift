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

    @Option(name: .long, help: ArgumentHelp(
        "The folder 'igncc serve --assets' serves: k3s files without a 'sha256' in site.yaml are hashed from it.", valueName: "DIR"))
    var assets: String?

    func run() throws {
        guard let loaded = options.loadAndReport() else { throw ExitCode.failure }
        // What a full build would say about targets that cannot express some of the site.
        var problems = Compiler.check(loaded.site, targets: BuildTarget.allCases, explicit: false,
                                      backends: InventoryGen.allBackends)
        // A k3s site: where its hosts get k3s and its hash, and the token file if there is one
        // (a check never creates it).
        if !problems.hasErrors {
            _ = K3sBuildInputs.gather(for: loaded.site, assets: assets, token: .readIfPresent, diagnostics: &problems)
        }
        DiagnosticPrinter(sources: loaded.sources).print(problems)
        if problems.hasErrors || (options.strict && !problems.all.isEmpty) { throw ExitCode.failure }
        let warnings = loaded.warnings + problems.sorted.filter { $0.severity == .warning }.count
        print(Self.summary(of: loaded.site, file: options.site, warnings: warnings))
    }

    /// `site.yaml: ok, 4 hosts (2 control planes, 3 etcd, 4 workers), 1 network, 0 warnings`.
    static func summary(of site: Site, file: String, warnings: Int) -> String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        if site.isK3s {
            let servers = site.hosts.filter(\.isK3sServer).count
            return "\(file): ok, \(count(site.hosts.count, "host", "hosts")) (k3s: \(count(servers, "server", "servers")), "
                + "\(count(site.hosts.count - servers, "agent", "agents"))), "
                + "\(count(site.networks.count, "network", "networks")), \(count(warnings, "warning", "warnings"))"
        }
        let roles = [count(site.hosts.filter { $0.has(.controlPlane) }.count, "control plane", "control planes"),
                     count(site.hosts.filter { $0.has(.etcd) }.count, "etcd", "etcd"),
                     count(site.hosts.filter { $0.has(.worker) }.count, "worker", "workers")]
        return "\(file): ok, \(count(site.hosts.count, "host", "hosts")) (\(roles.joined(separator: ", "))), "
            + "\(count(site.networks.count, "network", "networks")), \(count(warnings, "warning", "warnings"))"
    }
}
