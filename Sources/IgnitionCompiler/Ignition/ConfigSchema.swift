/// The Ignition config spec versions igncc reads and writes: those ignition-validate v2.26.0
/// accepts. 3.7.0-experimental is read and written when asked for, never chosen by default.
public enum IgnitionSpecVersion: Int, CaseIterable, Comparable, Sendable {
    case v3_0 = 0, v3_1, v3_2, v3_3, v3_4, v3_5, v3_6, v3_7

    public init?(string: String) {
        guard let version = Self.allCases.first(where: { $0.string == string }) else { return nil }
        self = version
    }

    public var string: String { "3.\(rawValue).0" + (isExperimental ? "-experimental" : "") }

    /// A spec still being written: Ignition accepts it under its `-experimental` name only.
    public var isExperimental: Bool { self == .v3_7 }

    /// The pre-release part of the version (go-semver's `PreRelease`), "" when stable.
    var preRelease: String { isExperimental ? "experimental" : "" }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The data model both Ignition JSON and Butane YAML are read against: object types, their
/// fields, and for each field the Ignition versions and Butane base versions that have it.
/// Butane's sugar fields (`inline`, `local`, `with_mount_unit`, `trees`, …) have no JSON name.
package enum ConfigSchema {
    package indirect enum FieldType: Sendable, Equatable {
        case string, int, bool
        case object(String)
        case list(FieldType)
        /// A mapping with keys of the user's choosing (Butane's `metadata.labels`).
        case map(FieldType)

        var description: String {
            switch self {
            case .string: return "a string"
            case .int: return "an integer"
            case .bool: return "a boolean"
            case .object: return "a mapping"
            case .list: return "a list"
            case .map: return "a mapping"
            }
        }
    }

    /// A set of Ignition spec versions (bit n = 3.n.0; v37 is 3.7.0-experimental).
    package struct IgnitionVersions: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        static let v30 = Self(rawValue: 1 << 0), v31 = Self(rawValue: 1 << 1), v32 = Self(rawValue: 1 << 2)
        static let v33 = Self(rawValue: 1 << 3), v34 = Self(rawValue: 1 << 4), v35 = Self(rawValue: 1 << 5)
        static let v36 = Self(rawValue: 1 << 6), v37 = Self(rawValue: 1 << 7)

        package func has(_ version: IgnitionSpecVersion) -> Bool { rawValue & (1 << version.rawValue) != 0 }
    }

    /// A set of Butane specs (bit n = `ButaneSpec.all[n]`).
    package struct ButaneSpecs: OptionSet, Sendable {
        package let rawValue: UInt64
        package init(rawValue: UInt64) { self.rawValue = rawValue }

        /// Every spec built on the Butane base schemas v0_`range` (their fields are in every variant).
        static func bases(_ range: ClosedRange<Int>) -> Self {
            ButaneSpec.all.reduce(into: []) { set, spec in if range.contains(spec.base) { set.insert(Self(spec)) } }
        }

        /// The `fcos` specs from `version` on, and the openshift specs built on them: fields of the
        /// fcos variant's own schema.
        static func fcos(from version: String) -> Self {
            ButaneSpec.all.reduce(into: []) { set, spec in
                if spec.isFCOS, spec.isAtLeast(version) { set.insert(Self(spec)) }
            }
        }

        /// The openshift specs: the MachineConfig's `metadata` and `openshift` sections.
        static let openshift: Self = ButaneSpec.all.reduce(into: []) { set, spec in
            if spec.variant == .openshift { set.insert(Self(spec)) }
        }

        init(_ spec: ButaneSpec) { self.init(rawValue: 1 << UInt64(spec.index)) }

        package func has(_ spec: ButaneSpec) -> Bool { contains(Self(spec)) }
    }

    package struct Flags: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Written even when empty (no `omitempty` in Ignition's Go types).
        static let required = Flags(rawValue: 1 << 0)
        /// Optional in Ignition's Go types: written whenever set, even to "" or 0.
        static let pointer = Flags(rawValue: 1 << 1)
    }

    package struct Field: Sendable {
        package let json: String?
        package let butane: String?
        package let type: FieldType
        package let ignition: IgnitionVersions
        /// The Butane specs that have this field (under the name `butane`).
        package let specs: ButaneSpecs
        package let flags: Flags

        init(json: String?, butane: String?, _ type: FieldType, ignition: IgnitionVersions, butane specs: ButaneSpecs, flags: Flags) {
            self.json = json
            self.butane = butane
            self.type = type
            self.ignition = ignition
            self.specs = specs
            self.flags = flags
        }

        /// The key this field has in a `ConfigNode` tree: the JSON name, or the Butane name of sugar.
        package var key: String { json ?? butane! }
    }

    package struct ObjectType: Sendable {
        package let name: String
        package let fields: [Field]

        init(_ name: String, _ fields: [Field]) {
            self.name = name
            self.fields = fields
        }
    }

    package static let byName: [String: ObjectType] = Dictionary(uniqueKeysWithValues: objects.map { ($0.name, $0) })

    package static func object(_ name: String) -> ObjectType { byName[name]! }

    /// The fields of `type` in an Ignition config of `version`, in the order Ignition writes them.
    package static func ignitionFields(of type: String, version: IgnitionSpecVersion) -> [Field] {
        fieldsByVersion[version.rawValue][type] ?? []
    }

    /// Whether `spec`'s schema has the Butane field at `path` (Butane keys from the top).
    package static func hasButaneField(_ path: [String], in spec: ButaneSpec) -> Bool {
        var type = "Config"
        for (index, key) in path.enumerated() {
            guard let field = object(type).fields.first(where: { $0.butane == key && $0.specs.has(spec) }) else { return false }
            if index == path.count - 1 { return true }
            switch field.type {
            case .object(let name), .list(.object(let name)): type = name
            default: return false
            }
        }
        return false
    }

    /// Why a Butane key that `spec` lacks is refused, when another spec has it: butane reports
    /// it unused and drops its value; igncc names the first spec with it. Nil for a key no spec has.
    package static func keyOfAnotherSpec(_ path: [String], in spec: ButaneSpec) -> String? {
        guard let key = path.last else { return nil }
        let having = ButaneSpec.all.filter { hasButaneField(path, in: $0) }
        if let first = having.first(where: { $0.variant == spec.variant }) {
            let when = first.index > spec.index ? "needs \(first.name) or newer" : "is not in \(spec.name)"
            // Where openshift has the section, only `-r` takes it (the MCO refuses it).
            let instead = spec.variant == .openshift && path == ["kernel_arguments"] ? "; use openshift.kernel_arguments" : ""
            return "unused key \(key); '\(key)' \(when)\(instead)"
        }
        guard let other = having.first else { return nil }
        return "unused key \(key); '\(key)' is in no \(spec.variant.rawValue) spec (\(other.name) or newer has it)"
    }

    /// `ignitionFields` for every type and version, computed once: renderers ask per node.
    private static let fieldsByVersion: [[String: [Field]]] = IgnitionSpecVersion.allCases.map { version in
        byName.mapValues { type in type.fields.filter { $0.json != nil && $0.ignition.has(version) } }
    }
}
