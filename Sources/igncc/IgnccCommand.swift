import ArgumentParser

@main
struct IgnccCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "igncc",
        abstract: "Compile a bare-metal Kubernetes site (site.yaml) into Ignition, network and inventory files.",
        subcommands: [BuildCommand.self, CleanCommand.self, CheckCommand.self, ServeCommand.self, ButaneCommand.self, ValidateCommand.self])
}
