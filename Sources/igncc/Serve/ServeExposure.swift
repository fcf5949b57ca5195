import IgnitionCompiler

/// Which subtrees of a build `igncc serve` answers from. Machines need `ignition/` and `install/`
/// only; the rest describes the site to its operators (the Kubespray variables carry secrets,
/// Butane and network files carry every host's configuration, the zones and libvirt XML the
/// site's layout), so it is served only when named with `--expose`. `SHA512SUMS` is never
/// served: the install scripts pin each config's hash, and nothing that boots reads it.
///
/// The filter applies when a snapshot is loaded (the first build and every reload); files outside
/// it are not read, and a request for one finds no key, exactly like a path that does not exist.
struct ServeExposure: Sendable, Equatable {
    /// The targets served whatever `--expose` says.
    static let always: [BuildTarget] = [.ignition, .install]

    /// What `--expose` accepts, in `BuildTarget` order.
    static let optional: [BuildTarget] = BuildTarget.allCases.filter { !always.contains($0) }

    /// The targets exposed on top of `always`, in `BuildTarget` order.
    private(set) var exposed: [BuildTarget]
    /// The directory prefixes (`ignition/`, …) of every served target.
    private let prefixes: [String]

    init(exposing targets: [BuildTarget] = []) {
        exposed = Self.optional.filter(targets.contains)
        prefixes = (Self.always + exposed).map { $0.directory + "/" }
    }

    /// `--expose` values as given: repeated, or comma-separated (`kubespray,bind-zone`).
    init(parsing values: [String]) throws(ExposureError) {
        var targets: [BuildTarget] = []
        for value in values {
            for name in value.split(separator: ",", omittingEmptySubsequences: false) {
                guard let target = BuildTarget(rawValue: String(name)), Self.optional.contains(target) else {
                    throw ExposureError(name: String(name))
                }
                targets.append(target)
            }
        }
        self.init(exposing: targets)
    }

    /// Whether a file of the build, by its path relative to the output directory, is served.
    func serves(_ path: String) -> Bool {
        prefixes.contains { path.hasPrefix($0) }
    }

    /// What the `listening` event reports: the always-served trees, `/assets/` when there is a
    /// folder, the MAC endpoints (`/ignition?mac=`, `/ipxe?mac=`, `/boot.ipxe`), then `--expose`.
    func summary(assets: Bool) -> String {
        let names = Self.always.map(\.rawValue) + (assets ? ["assets"] : []) + ["mac-endpoints"] + exposed.map(\.rawValue)
        return names.joined(separator: ",")
    }

}

/// An `--expose` value that names no exposable target.
struct ExposureError: Error, CustomStringConvertible {
    var name: String

    var description: String {
        let choices = ServeExposure.optional.map(\.rawValue).joined(separator: ", ")
        let always = ServeExposure.always.map { $0.directory + "/" }.joined(separator: " and ")
        if ServeExposure.always.contains(where: { $0.rawValue == name }) {
            return "--expose '\(name)': \(always) are always served; --expose takes one of \(choices)"
        }
        return "unknown --expose '\(name)': choose from \(choices) (\(always) are always served)"
    }
}
