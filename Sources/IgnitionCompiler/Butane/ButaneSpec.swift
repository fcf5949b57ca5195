/// A Butane variant and version igncc translates, and what it translates to.
package struct ButaneSpec: Sendable, Equatable {
    package enum Variant: String, Sendable {
        case fcos, flatcar
    }

    package let variant: Variant
    package let version: String
    /// The Butane base schema (v0_N) this spec is built on.
    package let base: Int
    package let ignition: IgnitionSpecVersion

    package static let all: [ButaneSpec] = [
        ButaneSpec(variant: .fcos, version: "1.3.0", base: 3, ignition: .v3_2),
        ButaneSpec(variant: .fcos, version: "1.4.0", base: 4, ignition: .v3_3),
        ButaneSpec(variant: .fcos, version: "1.5.0", base: 5, ignition: .v3_4),
        ButaneSpec(variant: .fcos, version: "1.6.0", base: 6, ignition: .v3_5),
        ButaneSpec(variant: .flatcar, version: "1.0.0", base: 4, ignition: .v3_3),
        ButaneSpec(variant: .flatcar, version: "1.1.0", base: 5, ignition: .v3_4),
    ]

    package static func find(variant: String, version: String) -> ButaneSpec? {
        all.first { $0.variant.rawValue == variant && $0.version == version }
    }

    /// The newest spec of `variant` that produces `ignition` (how a site host's OS and
    /// `ignition_version` choose the dialect of its snippets).
    package static func find(variant: Variant, ignition: IgnitionSpecVersion) -> ButaneSpec? {
        all.last { $0.variant == variant && $0.ignition == ignition }
    }

    package var isFCOS: Bool { variant == .fcos }
}
