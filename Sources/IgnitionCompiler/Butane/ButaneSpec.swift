/// A Butane variant and version igncc translates, and what it translates to.
package struct ButaneSpec: Sendable, Equatable {
    package enum Variant: String, Sendable {
        case fcos, flatcar
        /// RHEL for Edge and Fedora IoT: base fields only, without disks, filesystems, LUKS, RAID
        /// or kernel arguments (the image is installed as a whole).
        case r4e, fiot
        /// OpenShift: an fcos spec (`fcos`) with a MachineConfig's `metadata` and `openshift`
        /// fields around it, less what the Machine Config Operator does not support.
        case openshift
    }

    package let variant: Variant
    package let version: String
    /// The Butane base schema (v0_N) this spec is built on.
    package let base: Int
    package let ignition: IgnitionSpecVersion
    /// Its place in `all` (its bit in `ConfigSchema.ButaneSpecs`).
    package let index: Int
    /// The fcos spec whose fields and rules this one has: itself for fcos, the one an openshift
    /// spec is built on (its `fcos.Config`), nil for the other variants.
    package let fcos: String?

    /// Every spec butane v0.29.0 translates for these variants, each variant's in ascending order.
    package static let all: [ButaneSpec] = ([
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
    ].map { ($0.0, $0.1, $0.2, $0.3, $0.0 == .fcos ? $0.1 : nil) } + openshift).enumerated().map { index, spec in
        ButaneSpec(variant: spec.0, version: spec.1, base: spec.2, ignition: spec.3, index: index, fcos: spec.4)
    }

    /// butane's config/openshift/v4_*: 4.8.0–4.13.0 on fcos 1.3.0, 4.14.0–4.18.0 on fcos 1.5.0,
    /// 4.19.0–4.22.0 on fcos 1.6.0 (4.22.0 writes 3.5.0 again since butane 0.29.0: the MCO of
    /// OpenShift 4.22 reads no 3.6.0), 4.23.0-experimental on fcos 1.8.0-experimental.
    private static let openshift: [(Variant, String, Int, IgnitionSpecVersion, String?)] =
        (8...13).map { (.openshift, "4.\($0).0", 3, .v3_2, "1.3.0") }
        + (14...18).map { (.openshift, "4.\($0).0", 5, .v3_4, "1.5.0") }
        + (19...22).map { (.openshift, "4.\($0).0", 6, .v3_5, "1.6.0") }
        + [(.openshift, "4.23.0-experimental", 8, .v3_7, "1.8.0-experimental")]

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

    /// Whether fcos's own fields and rules apply (`boot_device`, `grub`, partition checks): fcos
    /// and openshift.
    package var isFCOS: Bool { fcos != nil }

    /// Whether this spec is `version` of its variant or a later one; for openshift, whether the
    /// fcos spec it is built on is fcos `version` or later when `version` is an fcos version.
    package func isAtLeast(_ version: String) -> Bool {
        if variant == .openshift, let fcos, let base = Self.find(variant: "fcos", version: fcos),
           let other = Self.find(variant: "fcos", version: version) {
            return base.index >= other.index
        }
        guard let other = Self.find(variant: variant.rawValue, version: version) else { return false }
        return index >= other.index
    }
}
