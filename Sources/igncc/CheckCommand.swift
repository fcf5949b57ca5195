import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a site file and report every problem, with its location.")

    @OptionGroup var options: SiteOptions

    func run() throws {
        guard options.loadAndReport() != nil else { throw ExitCode.failure }
    }
}
