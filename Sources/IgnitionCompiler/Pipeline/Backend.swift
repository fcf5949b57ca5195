import Foundation

/// One output target: rules it adds to the site, problems it has with a site, and the files it
/// writes. Each backend reads the `Site` IR only; the core ones live here, the inventory ones
/// (Kubespray, BIND, libvirt) in InventoryGen, and the driver (`igncc`) lists them all.
public protocol Backend: Sendable {
    var target: BuildTarget { get }

    /// Rules over the site that this backend's output relies on. They run with the front-end's
    /// (`igncc check` and every build, whatever the targets): a site they refuse is refused.
    func validate(_ site: Site, into diagnostics: inout Diagnostics)

    /// Problems that matter only when this target is built. `explicit` is true when the target was
    /// named on the command line (a site this target cannot express is then an error, not a skip).
    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics)

    /// `check` for a build into `output` (the `-o` directory as given; nil for `igncc check`), for
    /// problems that name the tree. By default, `check(_:explicit:into:)`.
    func check(_ site: Site, explicit: Bool, output: String?, into diagnostics: inout Diagnostics)

    /// The target's files, relative to the output directory.
    func files(for site: Site, options: BuildOptions) -> [OutputFile]

    /// The serials this target's files in a tree carry, by path (`files` holds the whole tree):
    /// what the tree's state remembers. Only the BIND zones have any.
    func serials(in files: [OutputFile]) -> [String: UInt32]
}

/// A backend whose files describe other targets' files (their hashes, their URLs): it runs after
/// the others and sees what they wrote. It must say which targets it needs (`requires`); the
/// driver builds those with it.
public protocol DerivedBackend: Backend {
    var requires: [BuildTarget] { get }
    func files(for site: Site, options: BuildOptions, from built: [OutputFile]) -> [OutputFile]
}

extension DerivedBackend {
    public func files(for site: Site, options: BuildOptions) -> [OutputFile] { [] }
}

extension Backend {
    public func validate(_ site: Site, into diagnostics: inout Diagnostics) {}
    public func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {}
    public func check(_ site: Site, explicit: Bool, output: String?, into diagnostics: inout Diagnostics) {
        check(site, explicit: explicit, into: &diagnostics)
    }
    public func serials(in files: [OutputFile]) -> [String: UInt32] { [:] }
}

/// A calendar day in UTC: what zone serials are made of.
public struct BuildDate: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Today in UTC, or the day of `SOURCE_DATE_EPOCH` when it is set (reproducible builds).
    public static func today(environment: [String: String] = ProcessInfo.processInfo.environment) -> BuildDate {
        var seconds = time_t(Date().timeIntervalSince1970)
        if let text = environment["SOURCE_DATE_EPOCH"], let epoch = Int(text), epoch >= 0 { seconds = time_t(epoch) }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return BuildDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
    }

    /// YYYYMMDD as a number.
    public var number: Int { year * 10000 + month * 100 + day }

    public var description: String { String(number) }

    public static func < (a: BuildDate, b: BuildDate) -> Bool { a.number < b.number }
}

/// The core backends, in `BuildTarget` order.
struct IgnitionTarget: Backend {
    var target: BuildTarget { .ignition }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        IgnitionBackend.files(for: site, style: options.pretty ? .pretty : .compact, k3s: options.k3s)
    }
}

struct NetworkTarget: Backend {
    var target: BuildTarget { .network }
    func files(for site: Site, options: BuildOptions) -> [OutputFile] { NetworkBackend.files(for: site) }
}

struct ButaneTarget: Backend {
    var target: BuildTarget { .butane }

    /// A host no Butane spec can express is an error when `butane` is asked for by name, a warning
    /// (the host is left out) when building everything.
    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        if let k3s = site.kubernetes?.k3s, K3sBuildInputs.localPath(of: site) == nil {
            let message = "a Butane document names the k3s token by a path below site.yaml's directory, and '\(k3s.tokenFile?.value ?? "")' is not: out/butane has no files"
            if explicit {
                diagnostics.error(message, at: k3s.tokenFile?.location ?? k3s.location)
            } else {
                diagnostics.warning(message, at: k3s.tokenFile?.location ?? k3s.location)
            }
        }
        for host in ButaneBackend.inexpressible(in: site) {
            let message = "no Butane spec of flatcar produces Ignition \(host.ignitionVersion.value.rawValue): out/butane has no file for host '\(host.name.value)'"
            if explicit {
                diagnostics.error(message, at: host.ignitionVersion.location)
            } else {
                diagnostics.warning(message, at: host.ignitionVersion.location)
            }
        }
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] { ButaneBackend.files(for: site, k3s: options.k3s) }
}

/// `out/k3s/README.txt` for a k3s site (nothing for a Kubespray one: named on the command line,
/// that is an error; in `all`, nothing to say).
struct K3sTarget: Backend {
    var target: BuildTarget { .k3s }

    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        guard explicit, !site.isK3s else { return }
        diagnostics.error("the site's distribution is kubespray: there is no k3s setup to write ('kubernetes.distribution: k3s' makes one)",
                          at: site.kubernetes?.distribution?.location)
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        guard site.isK3s else { return [] }
        return [OutputFile("k3s/README.txt", contents: Array(K3sReadme.text(for: site).utf8), mode: 0o644)]
    }
}
