/// A Butane variant and version igncc translates, and what it translates to.
package struct ButaneSpec: Sendable, Equatable {
    package enum Variant: String, Sendable {
        case fcos, flatcar
        /// RHEL for Edge and Fedora IoT: base fields only, without disks, filesystems, LUKS, RAID
        /// or kernel arguments (the image is installed as a whole).
        case r4e, fiot
    }

    package let variant: Variant
    package let version: String
    /// The Butane base schema (v0_N) this spec is built on.
    package let base: Int
    package let ignition: IgnitionSpecVersion
    /// Its place in `all` (its bit in `ConfigSchema.ButaneSpecs`).
    package let index: Int

    /// Every spec butane v0.29.0 translates for these variants, each variant's in ascending order.
    package static let all: [ButaneSpec] = [
        (Variant.fcos, "1.0.0", 1, IgnitionSpecVersion.v3_0),
        (.fcos, "1.1.0", 2, .v3_1),
        (.fcos, "1.2.0", 3, .v3_2),
        (.fcos, "1.3.0", 3, .v3_2),
        (.fcos, "1.4.0", 4, .v3_3),
        (.fcos, "1.5.0", 5, .v3_4),
        (.fcos, "1.6.0", 6, .v3_5),
        (.fcos, "1.7.0", 7, .v3_6),
        (.fcos, "1.8.0-experimental", 8, .v3_7),
        (.flatcar, "1.0.0", 4, .v3_3),
        (.flatcar, "1.1.0", 5, .v3_4),
        (.flatcar, "1.2.0-experimental", 8, .v3_7),
        (.r4e, "1.0.0", 4, .v3_3),
        (.r4e, "1.1.0", 5, .v3_4),
        (.r4e, "1.2.0-experimental", 8, .v3_7),
        (.fiot, "1.0.0", 5, .v3_4),
        (.fiot, "1.1.0-experimental", 8, .v3_7),
    ].enumerated().map { index, spec in
        ButaneSpec(variant: spec.0, version: spec.1, base: spec.2, ignition: spec.3, index: index)
    }

    package static func find(variant: String, version: String) -> ButaneSpec? {
        all.first { $0.variant.rawValue == variant && $0.version == version }
    }

    /// The newest stable spec of `variant` that produces `ignition` (how a site host's OS and
    /// `ignition_version` choose the dialect of its snippets). An experimental spec is never chosen.
    package static func find(variant: Variant, ignition: IgnitionSpecVersion) -> ButaneSpec? {
        all.last { $0.variant == variant && $0.ignition == ignition && !$0.isExperimental }
    }

    /// A spec still being written (`-experimental`): butane translates it, nothing chooses it.
    package var isExperimental: Bool { version.hasSuffix("-experimental") }

    /// "fcos 1.1.0".
    package var name: String { "\(variant.rawValue) \(version)" }

    package var isFCOS: Bool { variant == .fcos }

    /// Whether this spec is `version` of its variant or a later one.
    package func isAtLeast(_ version: String) -> Bool {
        guard let other = Self.find(variant: variant.rawValue, version: version) else { return false }
        return index >= other.index
    }
}
